// A hold left "sending" by an instance that stopped while handing it over (a crash, a kill) would say
// "sending" for ever. No provider's send lasts anywhere near this long (the longest, SMTP, gives up
// after 120 s without a byte), so a hold that has been sending for longer is settled, the first time
// anyone reads it, as failed with an unknown outcome: the message may have gone out, so it is never
// sent again by the server, and the agent is told to look in SENT before sending it again.
import type { SendHold, Store } from "../store/store.js";

export const SENDING_STALLS_AFTER_MS = 15 * 60_000;

export const STALLED_SEND_FAILURE =
  "provider_error: the server stopped while handing this send to the provider; whether it went out is unknown. Look in SENT before sending it again.";

export function hasStalled(hold: SendHold, now: Date): boolean {
  return (
    hold.status === "sending" &&
    hold.decidedAt !== null &&
    now.getTime() - Date.parse(hold.decidedAt) >= SENDING_STALLS_AFTER_MS
  );
}

/** The hold as it stands, a stalled send settled first (finishSendHold moves it out of "sending" once, so a send ending at that moment keeps its own outcome). */
export async function settledIfStalled(store: Store, hold: SendHold, now: Date): Promise<SendHold> {
  if (!hasStalled(hold, now)) return hold;
  await store.finishSendHold(hold.workspaceId, hold.id, {
    status: "failed",
    outcome: { sent: false, failure: STALLED_SEND_FAILURE },
  });
  return (await store.getSendHold(hold.workspaceId, hold.id)) ?? hold;
}

/** settledIfStalled for each hold of a listing. */
export function settledListing(store: Store, holds: readonly SendHold[], now: Date): Promise<SendHold[]> {
  return Promise.all(holds.map((hold) => settledIfStalled(store, hold, now)));
}

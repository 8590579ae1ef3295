// Sends at most once per idempotency_key, and charges the daily send quota (and a send policy's
// sends per hour) only for sends that reach the provider. A send whose outcome is unknown
// (provider_error with deliveryStatus "unknown": the provider may have accepted it) keeps its key
// "started", so a retry is told so instead of sending again; any other error means nothing was
// sent, and frees key and quota.
import { createHash } from "node:crypto";
import {
  idempotencyKeyInUse,
  idempotencyKeyReused,
  providerError,
  type ExecutionErrorResult,
  type SendResult,
} from "@mcpemails/generated";
import { ParameterError, type SentMessage } from "../providers/provider.js";
import type { Store, Workspace } from "../store/store.js";
import { giveBackHourlySend, hourPeriod, takeHourlySend, type HourlySendLimit } from "./hourly-sends.js";
import { consume, dayPeriod, release, sendsPerDay } from "./quotas.js";

const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A send still "started" after this long died with its process; its outcome is unknown for good. */
const STALE_AFTER_MS = 10 * 60 * 1000;

export interface SendOnceRequest<E extends ExecutionErrorResult> {
  store: Store;
  workspace: Workspace;
  inboxId: string;
  tool: string;
  args: { idempotency_key?: string | undefined };
  now: Date;
  /** The send policy's sends per hour for the caller's key; null when its policy has none. */
  hourly?: HourlySendLimit | null;
  send: () => Promise<SentMessage | E>;
}

export type SendOutcome<E> =
  | SendResult
  | E
  | ExecutionErrorResult<
      "quota_exceeded" | "idempotency_key_in_use" | "idempotency_key_reused" | "provider_error" | "send_policy_refused"
    >;

/** An idempotency key claimed for this call (undefined: the call has none), or the answer that ends it. */
export type IdempotencyClaim =
  | { claimed: true; key: string | undefined }
  | {
      claimed: false;
      answer: SendResult | ExecutionErrorResult<"idempotency_key_in_use" | "idempotency_key_reused" | "provider_error">;
    };

/** The call's idempotency_key claimed for it, or the answer a repeat gets: the first result, in use, reused, unknown. */
export async function claimIdempotencyKey(
  request: Pick<SendOnceRequest<ExecutionErrorResult>, "store" | "workspace" | "inboxId" | "tool" | "args" | "now">,
): Promise<IdempotencyClaim> {
  const { store, workspace, now, args } = request;
  if (args.idempotency_key === undefined) return { claimed: true, key: undefined };
  const key = `${workspace.id}:${request.inboxId}:${args.idempotency_key}`;
  const state = await store.beginIdempotent(key, fingerprint(request.tool, args), {
    nowMs: now.getTime(),
    ttlMs: REPLAY_WINDOW_MS,
    staleAfterMs: STALE_AFTER_MS,
  });
  switch (state.state) {
    case "completed":
      return { claimed: false, answer: { ...(state.result as SendResult), idempotent_replay: true } };
    case "in_progress":
      return {
        claimed: false,
        answer: idempotencyKeyInUse({ idempotency_key: args.idempotency_key, retryAfter: 1 }),
      };
    case "mismatch":
      return { claimed: false, answer: idempotencyKeyReused({ idempotency_key: args.idempotency_key }) };
    case "unknown":
      return {
        claimed: false,
        answer: providerError({
          detail: `an earlier call with idempotency_key ${args.idempotency_key} ended before its outcome was known; check SENT before sending again. Nothing new was sent`,
          deliveryStatus: "unknown",
        }),
      };
    case "started":
      return { claimed: true, key };
  }
}

export async function sendOnce<E extends ExecutionErrorResult>(request: SendOnceRequest<E>): Promise<SendOutcome<E>> {
  const { store, workspace, now } = request;
  const claim = await claimIdempotencyKey(request);
  if (!claim.claimed) return claim.answer;
  const key = claim.key;
  const period = dayPeriod(now);
  const hour = hourPeriod(now);
  const hourly = request.hourly ?? null;
  const giveBack = async (): Promise<void> => {
    await release(store, workspace, "sends_per_day", period);
    if (hourly !== null) await giveBackHourlySend(store, hourly, hour);
  };
  let refused: Awaited<ReturnType<typeof consume>> | Awaited<ReturnType<typeof takeHourlySend>>;
  let hourTaken = false;
  try {
    refused = hourly === null ? undefined : await takeHourlySend(store, hourly, hour, now);
    hourTaken = hourly !== null && !refused;
    if (!refused) {
      refused = await consume(store, workspace, "sends_per_day", sendsPerDay(workspace), period, now);
      if (refused && hourly !== null) await giveBackHourlySend(store, hourly, hour);
    }
  } catch (error) {
    if (hourTaken && hourly !== null) await giveBackHourlySend(store, hourly, hour).catch(() => undefined);
    // Nothing was sent: free the key (when the store lets us), so that a retry may send rather
    // than be told for the next ten minutes that this call is still in progress.
    if (key !== undefined) await store.abandonIdempotent(key).catch(() => undefined);
    throw error;
  }
  if (refused) {
    if (key !== undefined) await store.abandonIdempotent(key);
    return refused;
  }
  let sent: SentMessage | E;
  try {
    sent = await request.send();
  } catch (error) {
    // A provider throws only when nothing was sent (a bug of this server's before the hand-over, a
    // parameter it cannot honour, the caller gone before it began: providers/core/provider-tools.ts):
    // the quota and the key are given back, as for any other error decided before sending.
    await giveBack().catch(() => undefined);
    if (key !== undefined) await store.abandonIdempotent(key).catch(() => undefined);
    throw error instanceof ParameterError ? error : new FailedBeforeSending(error);
  }
  if ("isError" in sent) {
    if (
      sent.errorCode === "provider_error" &&
      (sent as ExecutionErrorResult<"provider_error">).deliveryStatus === "unknown"
    )
      return sent;
    // Every other error is decided before the provider accepts anything: nothing was sent.
    await giveBack();
    if (key !== undefined) await store.abandonIdempotent(key);
    return sent;
  }
  const result: SendResult = { ...sent, delivery_status: "accepted", idempotent_replay: false };
  if (key !== undefined) await store.completeIdempotent(key, result);
  return result;
}

function fingerprint(tool: string, args: object): string {
  const { idempotency_key: _ignored, ...rest } = args as Record<string, unknown>;
  return createHash("sha256")
    .update(canonicalJson({ tool, args: rest }))
    .digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A send that failed in this server before anything was handed over: nothing was sent, key and quota are free. */
export class FailedBeforeSending extends Error {
  override readonly name = "FailedBeforeSending";

  constructor(cause: unknown) {
    super("the send failed before anything was handed over", { cause });
  }
}

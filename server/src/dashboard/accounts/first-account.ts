// The very first account: while the server has none, each start prints a one-time sign-up link
// (an owner invitation, valid a day), so that the first person can sign up from any address.
import type { Store } from "../../store/store.js";
import { createInvite, inviteLink } from "./accounts.js";

export const FIRST_ACCOUNT_LINK_TTL_MS = 24 * 60 * 60 * 1000;

export async function firstAccountLink(
  store: Store,
  input: { publicUrl: string; workspaceId?: string | undefined; now?: Date },
): Promise<string | undefined> {
  if ((await store.countUsers()) > 0) return undefined;
  const { token } = await createInvite(store, {
    workspaceId: input.workspaceId ?? null,
    role: "owner",
    now: input.now ?? new Date(),
    ttlMs: FIRST_ACCOUNT_LINK_TTL_MS,
  });
  return inviteLink(input.publicUrl, token);
}

// Bearer access token of this server's authorization server -> the caller, looked up in the store on
// every request like a key, so that a revoked grant (the dashboard's Connected apps, /revoke, a
// replayed refresh token) is refused at once on every instance. The caller is the grant's: its id
// stands where a key's would (rate windows, quotas and the activity log count per grant), its
// inboxes, and the scopes of both the token and the grant.
import type { Store } from "../store/store.js";
import { hashSecret } from "../authorization/oauth-secrets.js";
import type { Authentication } from "./authenticate.js";

/** A grant's last use is written at most this often, as a key's is. */
const LAST_USED_RESOLUTION_MS = 60_000;

const UNKNOWN = "The access token is unknown, expired or revoked: get a new one from this server's /token.";

export async function authenticateAccessToken(
  store: Store,
  token: string,
  resource: string,
  now: Date,
): Promise<Authentication> {
  const record = await store.findAccessToken(hashSecret(token), now.getTime());
  if (record === undefined) return { ok: false, reason: UNKNOWN };
  if (record.resource !== resource)
    return { ok: false, reason: `The access token is for another resource, not ${resource}.` };
  const grant = await store.getOAuthGrant(record.grantId);
  if (grant === undefined || grant.revokedAt !== null) return { ok: false, reason: UNKNOWN };
  const [workspace, memberships] = await Promise.all([
    store.getWorkspace(grant.workspaceId),
    store.listMembershipsOfUser(grant.userId),
  ]);
  // The person who allowed the app must still be a member: a removed member's apps stop with them.
  if (workspace === undefined || !memberships.some((m) => m.workspaceId === workspace.id))
    return { ok: false, reason: UNKNOWN };
  if (grant.lastUsedAt === null || now.getTime() - Date.parse(grant.lastUsedAt) >= LAST_USED_RESOLUTION_MS)
    // Not awaited: a failed write loses a "last used" reading, never the call.
    store.touchOAuthGrant(grant.id, now.toISOString()).catch(() => undefined);
  return {
    ok: true,
    caller: {
      keyId: grant.id,
      mode: grant.mode,
      scopes: record.scopes.filter((scope) => grant.scopes.includes(scope)),
      workspaceId: workspace.id,
      plan: workspace.plan,
      inboxIds: grant.inboxIds,
      workspace,
    },
    workspace,
  };
}

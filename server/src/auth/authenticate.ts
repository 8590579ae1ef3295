// Bearer API key -> the caller. /mcp reads keys through the per-instance cache (config-cache.ts),
// whose version stamp makes a revocation (by the CLI, the admin API or another instance) take effect
// at once. When the OAuth authorization server runs, its access tokens are accepted too (access-tokens.ts).
import type { ConfigCache, ConfigReads } from "../store/config-cache.js";
import type { Store, Workspace } from "../store/store.js";
import type { ServerCaller } from "../tools/tool-handlers.js";
import { looksLikeAccessToken } from "../authorization/oauth-secrets.js";
import { authenticateAccessToken } from "./access-tokens.js";
import { hashApiKey, isWellFormedApiKey } from "./api-keys.js";

export type Authentication = { ok: true; caller: ServerCaller; workspace: Workspace } | { ok: false; reason: string };

/** A key's last use is written at most this often: the dashboard shows it to the minute, not per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface AuthenticateOptions {
  /** The resource access tokens must be for (this server's /mcp); without it only API keys are accepted. */
  resource?: string | undefined;
  /** Where keys and workspaces are read from (a cache's reads); the store itself when left out. */
  reads?: ConfigReads | undefined;
  /** The cache to tell when a key's last use is written, so that its copy does not keep the old one. */
  cache?: Pick<ConfigCache, "forgetApiKey"> | undefined;
}

export async function authenticate(
  store: Store,
  authorization: string | undefined,
  now: Date = new Date(),
  options: AuthenticateOptions = {},
): Promise<Authentication> {
  if (authorization === undefined || authorization === "")
    return { ok: false, reason: "Missing Authorization header: send Authorization: Bearer <API key>." };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) return { ok: false, reason: "The Authorization header must be: Bearer <API key>." };
  const key = match[1];
  if (options.resource !== undefined && looksLikeAccessToken(key))
    return authenticateAccessToken(store, key, options.resource, now);
  if (!isWellFormedApiKey(key))
    return {
      ok: false,
      reason: "The API key is malformed: keys look like mcpe_live_ or mcpe_test_ followed by 32 letters and digits.",
    };
  const reads = options.reads ?? store;
  const hash = hashApiKey(key);
  const record = await reads.findApiKeyByHash(hash);
  if (!record || record.revokedAt !== null) return { ok: false, reason: "The API key is unknown or revoked." };
  const workspace = await reads.getWorkspace(record.workspaceId);
  if (!workspace) return { ok: false, reason: "The API key is unknown or revoked." };
  if (record.lastUsedAt === null || now.getTime() - Date.parse(record.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
    // Not awaited: a failed write loses a "last used" reading, never the call.
    store
      .touchApiKey(record.id, now.toISOString())
      .then(() => options.cache?.forgetApiKey(hash))
      .catch(() => undefined);
  }
  return {
    ok: true,
    caller: {
      keyId: record.id,
      mode: record.mode,
      scopes: record.scopes,
      workspaceId: workspace.id,
      plan: workspace.plan,
      inboxIds: record.inboxIds,
      workspace,
      sendPolicy: record.sendPolicy,
    },
    workspace,
  };
}

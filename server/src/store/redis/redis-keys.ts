// The Redis key layout. Every key starts with the prefix (`mcpe:` by default) and carries a hash tag
// `{...}` naming the entity it belongs to, so that in Redis Cluster everything one atomic operation
// touches lives in one slot:
//
//   mcpe:workspaces                        set    ids of every workspace
//   mcpe:inboxes                           set    ids of every inbox
//   mcpe:{ws:<workspaceId>}                hash   the workspace
//   mcpe:{ws:<workspaceId>}:keys           set    ids of its API keys
//   mcpe:{ws:<workspaceId>}:inboxes        set    ids of its inboxes
//   mcpe:{key:<keyId>}                     hash   the API key record
//   mcpe:{key:<keyId>}:rate                zset   its sliding rate log: member unique per hit, score = ms
//   mcpe:{keyhash:<sha256>}                string the id of the key with that hash
//   mcpe:{inbox:<inboxId>}                 hash   the inbox (its secret sealed)
//   mcpe:{inbox:<inboxId>}:messages        hash   its sandbox messages: message id -> JSON
//   mcpe:{inbox:<inboxId>}:summaries       hash   the same messages as listings read them (no raw
//                                                 source or body): message id -> JSON
//   mcpe:{quota:<counter>}                 string units used; expires when the period ends
//   mcpe:{idem:<key>}                      hash   an idempotency record
//
// Parts that come from callers are percent-encoded, so that a `{` or `}` in a counter name or an
// idempotency key can never move the hash tag.
export const DEFAULT_KEY_PREFIX = "mcpe:";

export interface RedisKeys {
  readonly prefix: string;
  allWorkspaces(): string;
  allInboxes(): string;
  workspace(workspaceId: string): string;
  workspaceKeys(workspaceId: string): string;
  workspaceInboxes(workspaceId: string): string;
  apiKey(keyId: string): string;
  rateLog(keyId: string): string;
  apiKeyIdByHash(hash: string): string;
  inbox(inboxId: string): string;
  inboxMessages(inboxId: string): string;
  inboxSummaries(inboxId: string): string;
  quota(counter: string): string;
  idempotency(key: string): string;
}

export function redisKeys(prefix: string = DEFAULT_KEY_PREFIX): RedisKeys {
  if (/[{}]/.test(prefix))
    throw new Error(`the Redis key prefix must not contain braces (they would become the hash tag): ${prefix}`);
  const tagged = (kind: string, id: string) => `${prefix}{${kind}:${encodeURIComponent(id)}}`;
  return {
    prefix,
    allWorkspaces: () => `${prefix}workspaces`,
    allInboxes: () => `${prefix}inboxes`,
    workspace: (workspaceId) => tagged("ws", workspaceId),
    workspaceKeys: (workspaceId) => `${tagged("ws", workspaceId)}:keys`,
    workspaceInboxes: (workspaceId) => `${tagged("ws", workspaceId)}:inboxes`,
    apiKey: (keyId) => tagged("key", keyId),
    rateLog: (keyId) => `${tagged("key", keyId)}:rate`,
    apiKeyIdByHash: (hash) => tagged("keyhash", hash),
    inbox: (inboxId) => tagged("inbox", inboxId),
    inboxMessages: (inboxId) => `${tagged("inbox", inboxId)}:messages`,
    inboxSummaries: (inboxId) => `${tagged("inbox", inboxId)}:summaries`,
    quota: (counter) => tagged("quota", counter),
    idempotency: (key) => tagged("idem", key),
  };
}

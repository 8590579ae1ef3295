// The Redis key layout. Every key starts with the prefix (`mcpe:` by default) and carries a hash tag
// `{...}` naming the entity it belongs to, so that in Redis Cluster everything one atomic operation
// touches lives in one slot:
//
//   mcpe:workspaces                        set    ids of every workspace
//   mcpe:inboxes                           set    ids of every inbox
//   mcpe:config:version                    string raised by every change per-instance caches of keys,
//                                                 workspaces and inboxes must see (Store.configVersion)
//   mcpe:users                             hash   lower-cased email -> id of the user who has it: one
//                                                 HSETNX claims an email, HLEN counts the users
//   mcpe:{ws:<workspaceId>}                hash   the workspace
//   mcpe:{ws:<workspaceId>}:keys           set    ids of its API keys
//   mcpe:{ws:<workspaceId>}:inboxes        set    ids of its inboxes
//   mcpe:{ws:<workspaceId>}:members        hash   user id -> membership JSON {role, createdAt}
//   mcpe:{ws:<workspaceId>}:activity       zset   its activity log: member "<seq>:<entry JSON>", score = seq
//   mcpe:{ws:<workspaceId>}:activity:seq   string the last seq given
//   mcpe:{ws:<workspaceId>}:sends          zset   its send log: member "<seq>:<entry JSON>", score = seq
//   mcpe:{ws:<workspaceId>}:sends:seq      string the last seq given
//   mcpe:{ws:<workspaceId>}:holds          hash   its sends held for approval: hold id -> JSON (arguments sealed)
//   mcpe:{ws:<workspaceId>}:holds:status   hash   hold id -> its status, changed only by scripts
//   mcpe:{ws:<workspaceId>}:holds:state    hash   hold id -> JSON {decidedAt, decidedBy, outcome}
//   mcpe:{ws:<workspaceId>}:holds:order    zset   hold ids, score = held at (ms)
//   mcpe:holds:due                         zset   holds in an undo window, of every workspace:
//                                                 member "<workspaceId> <holdId>", score = send at (ms)
//   mcpe:{ws:<workspaceId>}:usage:<month>  hash   JSON [keyId, tool, outcome] -> calls that month
//   mcpe:{ws:<workspaceId>}:correspondents:<inboxId>
//                                          hash   an inbox's known correspondents: address ->
//                                                 "<first received at ms, empty when none>|<1 when
//                                                 written to, else 0>"
//   mcpe:{ws:<workspaceId>}:correspondents-learned
//                                          hash   inbox id -> when its history was learned (ISO time)
//   mcpe:{key:<keyId>}                     hash   the API key record
//   mcpe:{key:<keyId>}:rate                zset   its sliding rate log: member unique per hit, score = ms
//   mcpe:{keyhash:<sha256>}                string the id of the key with that hash
//   mcpe:{inbox:<inboxId>}                 hash   the inbox (its secret sealed; requireApproval "1" when set)
//   mcpe:{inbox:<inboxId>}:messages        hash   its sandbox messages: message id -> JSON
//   mcpe:{inbox:<inboxId>}:summaries       hash   the same messages as listings read them (no raw
//                                                 source or body): message id -> JSON
//   mcpe:{inbox:<inboxId>}:listing         zset   its messages in listing order, all of score 0:
//                                                 member "<folder>\0<newestFirstKey>", lex order
//                                                 is listing-order.ts's, a folder one lex range
//   mcpe:{inbox:<inboxId>}:listing:unread  zset   the same members, of its unread messages only
//   mcpe:{inbox:<inboxId>}:listing:members hash   message id -> its member in the two listings
//   mcpe:{quota:<counter>}                 string units used; expires when the period ends
//   mcpe:{idem:<key>}                      hash   an idempotency record
//   mcpe:{user:<userId>}                   hash   the user
//   mcpe:{user:<userId>}:workspaces        set    ids of the workspaces they are a member of
//   mcpe:{user:<userId>}:sessions          zset   ids of their sessions, score = expiry ms
//   mcpe:{user:<userId>}:session:<id>      hash   a session; expires (PEXPIREAT) with it. In the
//                                                 user's slot, so one script signs the user out everywhere
//   mcpe:{session:<id>}                    string the id of the session's user; expires with it
//   mcpe:{invite:<id>}                     hash   an invite; expires (PEXPIREAT) with it
//   mcpe:{oauthclient:<clientId>}          hash   an OAuth client
//   mcpe:{oauthcode:<sha256>}              hash   an authorization code {record JSON, usedAt}; expires
//                                                 AUTHORIZATION_CODE_MEMORY_MS after the code does
//   mcpe:{grant:<grantId>}                 hash   an OAuth grant (a connected app)
//   mcpe:{ws:<workspaceId>}:grants         set    ids of its OAuth grants
//   mcpe:{refresh:<sha256>}                hash   a refresh token {record JSON, rotatedAt}; expires with it
//   mcpe:{access:<sha256>}                 hash   an access token {record JSON}; expires with it
//
// Parts that come from callers are percent-encoded, so that a `{` or `}` in a counter name or an
// idempotency key can never move the hash tag.
export const DEFAULT_KEY_PREFIX = "mcpe:";

export interface RedisKeys {
  readonly prefix: string;
  allWorkspaces(): string;
  allInboxes(): string;
  configVersion(): string;
  workspace(workspaceId: string): string;
  workspaceKeys(workspaceId: string): string;
  workspaceInboxes(workspaceId: string): string;
  apiKey(keyId: string): string;
  rateLog(keyId: string): string;
  apiKeyIdByHash(hash: string): string;
  inbox(inboxId: string): string;
  inboxMessages(inboxId: string): string;
  inboxSummaries(inboxId: string): string;
  inboxListing(inboxId: string): string;
  inboxUnreadListing(inboxId: string): string;
  inboxListingMembers(inboxId: string): string;
  quota(counter: string): string;
  idempotency(key: string): string;
  userIdsByEmail(): string;
  user(userId: string): string;
  userWorkspaces(userId: string): string;
  userSessions(userId: string): string;
  session(userId: string, sessionId: string): string;
  sessionUser(sessionId: string): string;
  workspaceMembers(workspaceId: string): string;
  activityLog(workspaceId: string): string;
  activitySeq(workspaceId: string): string;
  sendLog(workspaceId: string): string;
  sendLogSeq(workspaceId: string): string;
  sendHolds(workspaceId: string): string;
  sendHoldStatus(workspaceId: string): string;
  sendHoldState(workspaceId: string): string;
  sendHoldOrder(workspaceId: string): string;
  /** Holds in an undo window, of every workspace (one key of its own: the scheduler reads across workspaces). */
  dueSendHolds(): string;
  usage(workspaceId: string, month: string): string;
  correspondents(workspaceId: string, inboxId: string): string;
  correspondentsLearned(workspaceId: string): string;
  invite(inviteId: string): string;
  oauthClient(clientId: string): string;
  authorizationCode(codeId: string): string;
  oauthGrant(grantId: string): string;
  workspaceOAuthGrants(workspaceId: string): string;
  refreshToken(tokenId: string): string;
  accessToken(tokenId: string): string;
}

export function redisKeys(prefix: string = DEFAULT_KEY_PREFIX): RedisKeys {
  if (/[{}]/.test(prefix))
    throw new Error(`the Redis key prefix must not contain braces (they would become the hash tag): ${prefix}`);
  const tagged = (kind: string, id: string) => `${prefix}{${kind}:${encodeURIComponent(id)}}`;
  return {
    prefix,
    allWorkspaces: () => `${prefix}workspaces`,
    allInboxes: () => `${prefix}inboxes`,
    configVersion: () => `${prefix}config:version`,
    workspace: (workspaceId) => tagged("ws", workspaceId),
    workspaceKeys: (workspaceId) => `${tagged("ws", workspaceId)}:keys`,
    workspaceInboxes: (workspaceId) => `${tagged("ws", workspaceId)}:inboxes`,
    apiKey: (keyId) => tagged("key", keyId),
    rateLog: (keyId) => `${tagged("key", keyId)}:rate`,
    apiKeyIdByHash: (hash) => tagged("keyhash", hash),
    inbox: (inboxId) => tagged("inbox", inboxId),
    inboxMessages: (inboxId) => `${tagged("inbox", inboxId)}:messages`,
    inboxSummaries: (inboxId) => `${tagged("inbox", inboxId)}:summaries`,
    inboxListing: (inboxId) => `${tagged("inbox", inboxId)}:listing`,
    inboxUnreadListing: (inboxId) => `${tagged("inbox", inboxId)}:listing:unread`,
    inboxListingMembers: (inboxId) => `${tagged("inbox", inboxId)}:listing:members`,
    quota: (counter) => tagged("quota", counter),
    idempotency: (key) => tagged("idem", key),
    userIdsByEmail: () => `${prefix}users`,
    user: (userId) => tagged("user", userId),
    userWorkspaces: (userId) => `${tagged("user", userId)}:workspaces`,
    userSessions: (userId) => `${tagged("user", userId)}:sessions`,
    session: (userId, sessionId) => `${tagged("user", userId)}:session:${encodeURIComponent(sessionId)}`,
    sessionUser: (sessionId) => tagged("session", sessionId),
    workspaceMembers: (workspaceId) => `${tagged("ws", workspaceId)}:members`,
    activityLog: (workspaceId) => `${tagged("ws", workspaceId)}:activity`,
    activitySeq: (workspaceId) => `${tagged("ws", workspaceId)}:activity:seq`,
    sendLog: (workspaceId) => `${tagged("ws", workspaceId)}:sends`,
    sendLogSeq: (workspaceId) => `${tagged("ws", workspaceId)}:sends:seq`,
    sendHolds: (workspaceId) => `${tagged("ws", workspaceId)}:holds`,
    sendHoldStatus: (workspaceId) => `${tagged("ws", workspaceId)}:holds:status`,
    sendHoldState: (workspaceId) => `${tagged("ws", workspaceId)}:holds:state`,
    sendHoldOrder: (workspaceId) => `${tagged("ws", workspaceId)}:holds:order`,
    dueSendHolds: () => `${prefix}holds:due`,
    usage: (workspaceId, month) => `${tagged("ws", workspaceId)}:usage:${encodeURIComponent(month)}`,
    correspondents: (workspaceId, inboxId) =>
      `${tagged("ws", workspaceId)}:correspondents:${encodeURIComponent(inboxId)}`,
    correspondentsLearned: (workspaceId) => `${tagged("ws", workspaceId)}:correspondents-learned`,
    invite: (inviteId) => tagged("invite", inviteId),
    oauthClient: (clientId) => tagged("oauthclient", clientId),
    authorizationCode: (codeId) => tagged("oauthcode", codeId),
    oauthGrant: (grantId) => tagged("grant", grantId),
    workspaceOAuthGrants: (workspaceId) => `${tagged("ws", workspaceId)}:grants`,
    refreshToken: (tokenId) => tagged("refresh", tokenId),
    accessToken: (tokenId) => tagged("access", tokenId),
  };
}

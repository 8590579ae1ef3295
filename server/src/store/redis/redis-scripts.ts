// The Lua scripts behind every Redis operation that reads before it writes. A script runs atomically
// on the node that owns its keys, and every script's keys share one hash tag (see redis-keys.ts), so
// each runs whole on one node in Redis Cluster too. ioredis sends them by EVALSHA and falls back to
// EVAL once per node when a node does not have a script yet.
//
// Times are computed by the caller and passed as decimal strings: Lua numbers are doubles that Redis
// prints with 14 significant digits, so a script only compares them and never writes one it computed,
// except retryAfterMs, which it returns as an integer reply.
import type { RedisClient } from "./redis-connection.js";

const CREATE_HASH_IF_ABSENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

const REVOKE_API_KEY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSETNX', KEYS[1], 'revokedAt', ARGV[1])
return 1
`;

// KEYS: a record. ARGV: a field, a value. Sets the field only when the record exists and has none:
// 1 for the one call that set it, 0 for every other (a code used once, a refresh token rotated once).
const SET_FIELD_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
`;

// KEYS: the record. ARGV: how many field/value pairs to set, the pairs, then the fields to delete. 0 when there is no record.
const UPDATE_HASH_IF_PRESENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local setCount = tonumber(ARGV[1])
if setCount > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 2, 1 + 2 * setCount)) end
if #ARGV > 1 + 2 * setCount then redis.call('HDEL', KEYS[1], unpack(ARGV, 2 + 2 * setCount)) end
return 1
`;

// KEYS: the inbox. ARGV: the sealed secret, then optionally 'ifStamp' and the stamp the stored secret
// must still have ("" for none; a stamp is sealedStamp in secrets.ts: the first 20 hex digits of the
// sealed value's SHA-1). Only an inbox that exists gets it, so a removed inbox is never half re-created.
const UPDATE_INBOX_SECRET = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] == 'ifStamp' then
  local current = redis.call('HGET', KEYS[1], 'sealedSecret')
  local stamp = ''
  if current then stamp = string.sub(redis.sha1hex(current), 1, 20) end
  if stamp ~= ARGV[3] then return 0 end
end
redis.call('HSET', KEYS[1], 'sealedSecret', ARGV[1])
return 1
`;

// KEYS: the inbox, its sandbox messages, their summaries, its listing, unread listing, listing members.
// Returns the workspace id of the removed inbox, or nil.
const REMOVE_INBOX = `
local workspaceId = redis.call('HGET', KEYS[1], 'workspaceId')
if not workspaceId then return nil end
redis.call('DEL', unpack(KEYS))
return workspaceId
`;

// The sandbox scripts below take an inbox's KEYS: its messages, their summaries, its listing, its
// unread listing, the listing members (redis-keys.ts). A message, its summary and its listing
// member are written and removed together, so that the hashes keep the same fields
// (LIST_SANDBOX_SUMMARIES and PAGE_SANDBOX_SUMMARIES rely on it).
const UNLIST_MESSAGE = `
local function unlist(id)
  local member = redis.call('HGET', KEYS[5], id)
  if member then
    redis.call('ZREM', KEYS[3], member)
    redis.call('ZREM', KEYS[4], member)
    redis.call('HDEL', KEYS[5], id)
  end
end
local function list(id, member, unread)
  redis.call('ZADD', KEYS[3], 0, member)
  if unread == '1' then redis.call('ZADD', KEYS[4], 0, member) end
  redis.call('HSET', KEYS[5], id, member)
end
`;

// ARGV: per message: id, message JSON, summary JSON, listing member, '1' when unread else '0'.
const PUT_SANDBOX_MESSAGES = `${UNLIST_MESSAGE}
for i = 1, #ARGV, 5 do
  local id = ARGV[i]
  redis.call('HSET', KEYS[1], id, ARGV[i + 1])
  redis.call('HSET', KEYS[2], id, ARGV[i + 2])
  unlist(id)
  list(id, ARGV[i + 3], ARGV[i + 4])
end
return 1
`;

// ARGV: ids.
const DELETE_SANDBOX_MESSAGES = `${UNLIST_MESSAGE}
for i = 1, #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  unlist(ARGV[i])
end
return 1
`;

// Lists messages stored before the listings were kept. ARGV: per message: id, listing member, '1'
// when unread else '0', as read by the caller; a message deleted since, or listed since (by a put,
// which is newer than what the caller read), is left as it is.
const INDEX_SANDBOX_MESSAGES = `${UNLIST_MESSAGE}
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], id) == 1 and redis.call('HEXISTS', KEYS[5], id) == 0 then
    list(id, ARGV[i + 1], ARGV[i + 2])
  end
end
return 1
`;

// ARGV: the folder's lex range (min, max), offset, limit, '1' for the unread listing. Returns {0}
// when some message is not listed yet (stored before the listings were kept), else {1, total, then
// per message of the page: id, 1 and its summary JSON, or 0 and its whole JSON when it has no summary}.
const PAGE_SANDBOX_SUMMARIES = `
if redis.call('HLEN', KEYS[5]) ~= redis.call('HLEN', KEYS[1]) then return {0} end
local listing = KEYS[3]
if ARGV[5] == '1' then listing = KEYS[4] end
local reply = {1, redis.call('ZLEXCOUNT', listing, ARGV[1], ARGV[2])}
if tonumber(ARGV[4]) <= 0 then return reply end
for _, member in ipairs(redis.call('ZRANGEBYLEX', listing, ARGV[1], ARGV[2], 'LIMIT', ARGV[3], ARGV[4])) do
  local id = string.match(member, '%z[^%z]*%z(.*)$')
  local json = redis.call('HGET', KEYS[2], id)
  if json then
    table.insert(reply, id); table.insert(reply, 1); table.insert(reply, json)
  else
    table.insert(reply, id); table.insert(reply, 0); table.insert(reply, redis.call('HGET', KEYS[1], id))
  end
end
return reply
`;

// KEYS: an inbox's sandbox messages, their summaries. Returns {1, summaries as HGETALL gives them},
// or {0, the whole messages} when some messages have no summary (stored before summaries were kept:
// every later put writes both, and a delete removes both, so equal counts mean equal sets).
const LIST_SANDBOX_SUMMARIES = `
if redis.call('HLEN', KEYS[1]) == redis.call('HLEN', KEYS[2]) then return {1, redis.call('HGETALL', KEYS[2])} end
return {0, redis.call('HGETALL', KEYS[1])}
`;

// KEYS: the rate log (a sorted set of hits, score = time in ms).
// ARGV: prune-up-to-ms, now-ms, member, log-ttl-ms, then per window: start-ms (exclusive), length-ms, limit.
// Returns {1} when allowed (and recorded), or {0, window index from 1, retryAfterMs}.
const HIT_RATE_WINDOWS = `
local log = KEYS[1]
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', log, '-inf', ARGV[1])
-- a window the whole log cannot fill is not counted
local size = redis.call('ZCARD', log)
local refusedWindow, longestWait = 0, -1
for i = 5, #ARGV, 3 do
  local windowStart, windowMs, limit = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local count = 0
  if size >= limit then count = redis.call('ZCOUNT', log, '(' .. windowStart, '+inf') end
  if count >= limit then
    -- the (count-limit+1)-th oldest hit of the window is the last that must leave it
    local lastToLeave = redis.call('ZRANGEBYSCORE', log, '(' .. windowStart, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
    local wait = tonumber(lastToLeave[2]) + windowMs - now
    if wait > longestWait then refusedWindow, longestWait = (i - 2) / 3, wait end
  end
end
if refusedWindow > 0 then return {0, refusedWindow, longestWait} end
redis.call('ZADD', log, ARGV[2], ARGV[3])
redis.call('PEXPIRE', log, ARGV[4])
return {1}
`;

// KEYS: the counter. ARGV: limit, expires-at-ms. Returns {1 when allowed else 0, units used}.
const CONSUME_QUOTA = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return {0, used} end
used = redis.call('INCR', KEYS[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return {1, used}
`;

const RELEASE_QUOTA = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 1
`;

// KEYS: the record. ARGV: fingerprint, now-ms, expires-at-ms, ttl-ms, stale-after-ms.
// Expiry is judged on the caller's clock (expiresAt); the key's own TTL only collects garbage.
// Returns {state} or {'completed', result JSON}.
const BEGIN_IDEMPOTENT = `
local fingerprint, now = ARGV[1], tonumber(ARGV[2])
local record = redis.call('HMGET', KEYS[1], 'fingerprint', 'state', 'startedAt', 'expiresAt', 'result')
if not record[1] or tonumber(record[4]) <= now then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'fingerprint', fingerprint, 'state', 'started', 'startedAt', ARGV[2], 'expiresAt', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'started'}
end
if record[1] ~= fingerprint then return {'mismatch'} end
if record[2] == 'completed' then return {'completed', record[5]} end
if record[2] == 'unknown' then return {'unknown'} end
if now - tonumber(record[3]) > tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[1], 'state', 'unknown')
  return {'unknown'}
end
return {'in_progress'}
`;

const COMPLETE_IDEMPOTENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'completed', 'result', ARGV[1])
return 1
`;

const ABANDON_IDEMPOTENT = `
local state = redis.call('HGET', KEYS[1], 'state')
if state and state ~= 'completed' then redis.call('DEL', KEYS[1]) end
return 1
`;

// KEYS: the key record. ARGV: an ISO time. Instances report calls out of order: only a later time is kept.
const TOUCH_API_KEY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local last = redis.call('HGET', KEYS[1], 'lastUsedAt')
if not last or last < ARGV[1] then redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1]) end
return 1
`;

// KEYS: the record. ARGV: expires-at-ms, then field/value pairs. 0 when it exists.
const CREATE_EXPIRING_HASH = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
`;

// KEYS: the string. ARGV: value, expires-at-ms.
const SET_EXPIRING = `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`;

// KEYS: the workspace's members. ARGV: user id, role, created-at. A membership put again keeps its
// creation time, which orders the lists; returns that time.
const PUT_MEMBERSHIP = `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
local createdAt = ARGV[3]
if stored then createdAt = cjson.decode(stored).createdAt end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({role = ARGV[2], createdAt = createdAt}))
return createdAt
`;

// KEYS: the session, its user's sessions. ARGV: session id, expires-at-ms, now-ms, then field/value pairs.
// The index drops the sessions expired by now and expires with its last session (its largest score).
const CREATE_SESSION = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) <= tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[2], ARGV[2]) end
return 1
`;

// KEYS: a user's sessions, then session records of that user. ARGV: the ids of those sessions.
// Returns how many sessions the index still names (created meanwhile), for the caller to repeat.
const DELETE_SESSIONS = `
for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
if #ARGV > 0 then redis.call('ZREM', KEYS[1], unpack(ARGV)) end
return redis.call('ZCARD', KEYS[1])
`;

// KEYS: the invite. ARGV: now-ms. Deletes it and returns its fields as HGETALL gives them; nil when
// there is none or it expired by now.
const TAKE_INVITE = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return nil end
redis.call('DEL', KEYS[1])
for i = 1, #fields, 2 do
  if fields[i] == 'expiresAtMs' and tonumber(fields[i + 1]) <= tonumber(ARGV[1]) then return nil end
end
return fields
`;

// KEYS: the workspace's last seq, its activity log, the month's usage. ARGV: entry JSON, capacity,
// usage field. Returns the entry's seq.
const RECORD_ACTIVITY = `
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[2]))
redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
return seq
`;

// A capped log: KEYS[1] its last seq, KEYS[2] the zset of "<seq>:<JSON>" members; ARGV[2] entries kept.
const APPEND_TO_LOG = `
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[2]))
return seq
`;

// A new hold, pending; then, over capacity, the oldest decided holds go (a pending or sending hold never).
// KEYS: holds, holds:status, holds:state, holds:order. ARGV: id, JSON, held at ms, capacity, status.
const CREATE_SEND_HOLD = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[4])
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
    if over <= 0 then break end
    local status = redis.call('HGET', KEYS[2], id)
    if status == 'sent' or status == 'rejected' or status == 'cancelled' or status == 'failed' then
      redis.call('HDEL', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
      redis.call('HDEL', KEYS[3], id)
      redis.call('ZREM', KEYS[4], id)
      over = over - 1
    end
  end
end
return 1
`;

// Moves a hold from one status to the next only when it is in the first: one decision wins.
// KEYS: holds:status, holds:state. ARGV: id, from, to, state JSON.
const MOVE_SEND_HOLD = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
`;

// KEYS: an inbox's correspondents, its workspace's learned flags. ARGV: the inbox id, how many
// sightings, per sighting: address, received at ms ('' for none), '1' when written to else '0'; then
// the asked addresses. Per address the earliest date is kept (compared as numbers, written back as
// the caller's string) and written-to once '1' stays '1'. Returns {1 when learned else 0, then per
// asked address its stored value or nil}.
const OBSERVE_CORRESPONDENTS = `
local sightings = tonumber(ARGV[2])
local last = 2 + 3 * sightings
for i = 3, last, 3 do
  local address, receivedAt, writtenTo = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local stored = redis.call('HGET', KEYS[1], address)
  if stored then
    local bar = string.find(stored, '|', 1, true)
    local storedAt = string.sub(stored, 1, bar - 1)
    if receivedAt == '' or (storedAt ~= '' and tonumber(storedAt) <= tonumber(receivedAt)) then receivedAt = storedAt end
    if string.sub(stored, bar + 1) == '1' then writtenTo = '1' end
  end
  local value = receivedAt .. '|' .. writtenTo
  if value ~= stored then redis.call('HSET', KEYS[1], address, value) end
end
local reply = {redis.call('HEXISTS', KEYS[2], ARGV[1])}
for i = last + 1, #ARGV do reply[#reply + 1] = redis.call('HGET', KEYS[1], ARGV[i]) end
return reply
`;

type Script = (keys: readonly string[], args: readonly string[]) => Promise<unknown>;

export interface RedisScripts {
  createHashIfAbsent: Script;
  updateHashIfPresent: Script;
  revokeApiKey: Script;
  setFieldOnce: Script;
  updateInboxSecret: Script;
  removeInbox: Script;
  putSandboxMessages: Script;
  deleteSandboxMessages: Script;
  listSandboxSummaries: Script;
  indexSandboxMessages: Script;
  pageSandboxSummaries: Script;
  hitRateWindows: Script;
  consumeQuota: Script;
  releaseQuota: Script;
  beginIdempotent: Script;
  completeIdempotent: Script;
  abandonIdempotent: Script;
  touchApiKey: Script;
  createExpiringHash: Script;
  setExpiring: Script;
  putMembership: Script;
  createSession: Script;
  /** Takes any number of keys. */
  deleteSessions: Script;
  takeInvite: Script;
  recordActivity: Script;
  appendToLog: Script;
  createSendHold: Script;
  moveSendHold: Script;
  observeCorrespondents: Script;
}

export function defineScripts(client: RedisClient): RedisScripts {
  return {
    createHashIfAbsent: defineScript(client, "mcpeCreateHashIfAbsent", 1, CREATE_HASH_IF_ABSENT),
    updateHashIfPresent: defineScript(client, "mcpeUpdateHashIfPresent", 1, UPDATE_HASH_IF_PRESENT),
    revokeApiKey: defineScript(client, "mcpeRevokeApiKey", 1, REVOKE_API_KEY),
    setFieldOnce: defineScript(client, "mcpeSetFieldOnce", 1, SET_FIELD_ONCE),
    updateInboxSecret: defineScript(client, "mcpeUpdateInboxSecret", 1, UPDATE_INBOX_SECRET),
    removeInbox: defineScript(client, "mcpeRemoveInbox", 6, REMOVE_INBOX),
    putSandboxMessages: defineScript(client, "mcpePutSandboxMessages", 5, PUT_SANDBOX_MESSAGES),
    deleteSandboxMessages: defineScript(client, "mcpeDeleteSandboxMessages", 5, DELETE_SANDBOX_MESSAGES),
    listSandboxSummaries: defineScript(client, "mcpeListSandboxSummaries", 2, LIST_SANDBOX_SUMMARIES),
    indexSandboxMessages: defineScript(client, "mcpeIndexSandboxMessages", 5, INDEX_SANDBOX_MESSAGES),
    pageSandboxSummaries: defineScript(client, "mcpePageSandboxSummaries", 5, PAGE_SANDBOX_SUMMARIES),
    hitRateWindows: defineScript(client, "mcpeHitRateWindows", 1, HIT_RATE_WINDOWS),
    consumeQuota: defineScript(client, "mcpeConsumeQuota", 1, CONSUME_QUOTA),
    releaseQuota: defineScript(client, "mcpeReleaseQuota", 1, RELEASE_QUOTA),
    beginIdempotent: defineScript(client, "mcpeBeginIdempotent", 1, BEGIN_IDEMPOTENT),
    completeIdempotent: defineScript(client, "mcpeCompleteIdempotent", 1, COMPLETE_IDEMPOTENT),
    abandonIdempotent: defineScript(client, "mcpeAbandonIdempotent", 1, ABANDON_IDEMPOTENT),
    touchApiKey: defineScript(client, "mcpeTouchApiKey", 1, TOUCH_API_KEY),
    createExpiringHash: defineScript(client, "mcpeCreateExpiringHash", 1, CREATE_EXPIRING_HASH),
    setExpiring: defineScript(client, "mcpeSetExpiring", 1, SET_EXPIRING),
    putMembership: defineScript(client, "mcpePutMembership", 1, PUT_MEMBERSHIP),
    createSession: defineScript(client, "mcpeCreateSession", 2, CREATE_SESSION),
    deleteSessions: defineScript(client, "mcpeDeleteSessions", "any", DELETE_SESSIONS),
    takeInvite: defineScript(client, "mcpeTakeInvite", 1, TAKE_INVITE),
    recordActivity: defineScript(client, "mcpeRecordActivity", 3, RECORD_ACTIVITY),
    appendToLog: defineScript(client, "mcpeAppendToLog", 2, APPEND_TO_LOG),
    createSendHold: defineScript(client, "mcpeCreateSendHold", 4, CREATE_SEND_HOLD),
    moveSendHold: defineScript(client, "mcpeMoveSendHold", 2, MOVE_SEND_HOLD),
    observeCorrespondents: defineScript(client, "mcpeObserveCorrespondents", 2, OBSERVE_CORRESPONDENTS),
  };
}

function defineScript(client: RedisClient, name: string, numberOfKeys: number | "any", lua: string): Script {
  // Without numberOfKeys, ioredis takes the key count as the command's first argument.
  client.defineCommand(name, numberOfKeys === "any" ? { lua } : { numberOfKeys, lua });
  // defineCommand adds a method that ioredis's types cannot know about.
  const command = (client as unknown as Record<string, ((...args: string[]) => Promise<unknown>) | undefined>)[name];
  if (command === undefined) throw new Error(`ioredis did not define the script command ${name}`);
  return (keys, args) => {
    if (numberOfKeys === "any") return command.call(client, String(keys.length), ...keys, ...args);
    if (keys.length !== numberOfKeys) throw new Error(`script ${name} takes ${numberOfKeys} keys, got ${keys.length}`);
    return command.call(client, ...keys, ...args);
  };
}

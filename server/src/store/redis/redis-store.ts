// The scale-out adapter of the Store port: any number of server instances (and the CLI) share one
// Redis, standalone or Cluster. Records are hashes with per-entity keys, listings are index sets,
// and every decision that must hold across instances is one Lua script on one slot
// (key layout: redis-keys.ts; scripts: redis-scripts.ts).
//
// Creating a record writes its hash and then adds it to its index sets, which live in other slots,
// so these steps are not one transaction: a crash between them leaves a record that no listing
// shows, never a listing that shows no record (dangling index entries are skipped when read).
import { randomUUID } from "node:crypto";
import type { KeyMode, PlanId, Scope } from "@mcpemails/generated";
import { byCreation, newestFirstKey, sortNewestMessageFirst } from "../listing-order.js";
import { longestWindowMs, rateWindowsInMs } from "../rate-windows.js";
import {
  createSecretBox,
  inboxRecordWithSealedSecret,
  inboxSecretContext,
  resolveSecretKey,
  sealedStamp,
  openHoldArgs,
  sendHoldContext,
  type SecretBox,
} from "../secrets.js";
import type {
  AccessTokenRecord,
  ActivityEntry,
  ActivityQuery,
  Admission,
  ApiKeyRecord,
  AuthorizationCodeRecord,
  Correspondent,
  CorrespondentSighting,
  IdempotencyBegin,
  InboxKind,
  InboxRecord,
  InboxSecretWrite,
  InviteRecord,
  MemberRole,
  MembershipRecord,
  OAuthClientRecord,
  OAuthGrantRecord,
  QuotaCharge,
  QuotaDecision,
  RateDecision,
  RateLimitsOverride,
  RateWindow,
  RefreshTokenRecord,
  SandboxMessage,
  SandboxPageQuery,
  SandboxSummaryPage,
  SessionRecord,
  SendDecisionEntry,
  Store,
  StoredSendDecision,
  NewSendHold,
  SendHold,
  SendHoldOutcome,
  SendHoldStatus,
  WaitingHoldStatus,
  DueSendHold,
  StoredActivityEntry,
  UsageCount,
  UserRecord,
  Workspace,
  WorkspaceLimitsChange,
} from "../store.js";
import {
  ACTIVITY_LOG_CAPACITY,
  CORRESPONDENT_SIGHTINGS_MAX,
  SEND_HOLD_CAPACITY,
  SEND_LOG_CAPACITY,
  AUTHORIZATION_CODE_MEMORY_MS,
  sandboxSummaryData,
  usageMonth,
  userEmailKey,
} from "../store.js";
import { storedSendPolicy, type SendPolicy } from "../../send-policy/send-policy.js";

/** What a hold's decision and send wrote, beside its fixed data. */
interface SendHoldState {
  decidedAt: string | null;
  decidedBy: string | null;
  outcome: SendHoldOutcome | null;
}
import { connectRedis, type RedisClient } from "./redis-connection.js";
import { DEFAULT_KEY_PREFIX, redisKeys, type RedisKeys } from "./redis-keys.js";
import { defineScripts, type RedisScripts } from "./redis-scripts.js";

export interface RedisStoreOptions {
  /** REDIS_URL; see redis-url.ts for the standalone and cluster forms. */
  url: string;
  /**
   * 32 bytes, the same for every instance sharing this Redis. When absent, resolveSecretKey finds it:
   * MCPEMAILS_SECRET_KEY, or else <dataDir>/secret.key (which only serves the processes of one machine).
   */
  secretKey?: Buffer;
  dataDir?: string;
  /** Defaults to `mcpe:`. Must not contain braces. */
  keyPrefix?: string;
  /** How long a command may wait for Redis before it fails (DEFAULT_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
  /** How many activity entries each workspace keeps (ACTIVITY_LOG_CAPACITY); tests lower it. */
  activityLogCapacity?: number;
}

export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const keys = redisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const activityLogCapacity = options.activityLogCapacity ?? ACTIVITY_LOG_CAPACITY;
  if (!Number.isSafeInteger(activityLogCapacity) || activityLogCapacity < 1)
    throw new RangeError(`the activity log capacity must be a positive integer, got ${activityLogCapacity}`);
  const secrets = createSecretBox(options.secretKey ?? resolveSecretKey({ dataDir: options.dataDir }));
  const client = await connectRedis(
    options.url,
    options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs },
  );
  return new RedisStore(client, keys, defineScripts(client), secrets, activityLogCapacity);
}

type Fields = Record<string, string>;

/** How a sandbox message is kept in its inbox's messages hash (the inbox and id are the hash and field). */
interface StoredSandboxMessage {
  folder: string;
  date: string;
  unread: boolean;
  data: unknown;
}

/** How a membership is kept in its workspace's members hash (the workspace and user are the hash and field). */
interface StoredMembership {
  role: MemberRole;
  createdAt: string;
}

/** How an activity entry is kept after its seq in the log's member: workspaceId is the log's. */
type StoredActivity = [
  at: string,
  keyId: string,
  tool: string,
  inboxId: string | null,
  outcome: string,
  durationMs: number,
];

/** How many log entries a filtered listing reads per round trip while it looks for matches. */
const ACTIVITY_SCAN_BATCH = 500;
/** How many sessions one deleteSessions script removes. */
const SESSION_DELETE_BATCH = 500;

class RedisStore implements Store {
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly scripts: RedisScripts,
    private readonly secrets: SecretBox,
    private readonly activityLogCapacity: number,
  ) {}

  async createWorkspace(input: {
    name: string;
    plan: PlanId;
    sendsPerDayOverride?: number | null;
  }): Promise<Workspace> {
    const workspace: Workspace = {
      id: randomUUID(),
      name: input.name,
      plan: input.plan,
      sendsPerDayOverride: input.sendsPerDayOverride ?? null,
      callsPerMonthOverride: null,
      rateLimitsOverride: null,
      sendPolicy: null,
      createdAt: new Date().toISOString(),
    };
    const fields: Fields = {
      id: workspace.id,
      name: workspace.name,
      plan: workspace.plan,
      createdAt: workspace.createdAt,
    };
    if (workspace.sendsPerDayOverride !== null) fields.sendsPerDayOverride = String(workspace.sendsPerDayOverride);
    await this.createHash(this.keys.workspace(workspace.id), fields, `workspace ${workspace.id}`);
    await this.client.sadd(this.keys.allWorkspaces(), workspace.id);
    return workspace;
  }

  async getWorkspace(id: string): Promise<Workspace | undefined> {
    return workspaceFromFields(await this.client.hgetall(this.keys.workspace(id)));
  }

  async listWorkspaces(): Promise<Workspace[]> {
    return this.listIndexed(this.keys.allWorkspaces(), (id) => this.getWorkspace(id));
  }

  async updateWorkspaceLimits(id: string, change: WorkspaceLimitsChange): Promise<Workspace | undefined> {
    const set: string[] = [];
    const remove: string[] = [];
    for (const [field, value] of Object.entries(change) as [keyof WorkspaceLimitsChange, unknown][]) {
      if (value === undefined) continue;
      if (value === null) remove.push(field);
      else set.push(field, typeof value === "number" ? String(value) : JSON.stringify(value));
    }
    const updated = await this.scripts.updateHashIfPresent(
      [this.keys.workspace(id)],
      [String(set.length / 2), ...set, ...remove],
    );
    if (updated !== 1) return undefined;
    await this.raiseConfigVersion();
    return this.getWorkspace(id);
  }

  async createApiKey(
    record: Omit<ApiKeyRecord, "createdAt" | "revokedAt" | "lastUsedAt" | "inboxIds" | "sendPolicy"> & {
      inboxIds?: string[] | null;
    },
  ): Promise<ApiKeyRecord> {
    const created: ApiKeyRecord = {
      ...record,
      scopes: [...record.scopes],
      inboxIds: record.inboxIds ? [...record.inboxIds] : null,
      createdAt: new Date().toISOString(),
      revokedAt: null,
      lastUsedAt: null,
      sendPolicy: null,
    };
    // The hash index is claimed first: two keys with one hash would make lookups ambiguous.
    const claimed = await this.client.set(this.keys.apiKeyIdByHash(created.hash), created.id, "NX");
    if (claimed !== "OK") throw new Error(`an API key with this hash already exists (key ${created.id} not created)`);
    const fields: Fields = {
      id: created.id,
      workspaceId: created.workspaceId,
      mode: created.mode,
      scopes: JSON.stringify(created.scopes),
      hash: created.hash,
      hint: created.hint,
      createdAt: created.createdAt,
    };
    if (created.name !== null) fields.name = created.name;
    if (created.inboxIds !== null) fields.inboxIds = JSON.stringify(created.inboxIds);
    try {
      await this.createHash(this.keys.apiKey(created.id), fields, `API key ${created.id}`);
    } catch (error) {
      await this.client.del(this.keys.apiKeyIdByHash(created.hash));
      throw error;
    }
    await this.client.sadd(this.keys.workspaceKeys(created.workspaceId), created.id);
    return created;
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const id = await this.client.get(this.keys.apiKeyIdByHash(hash));
    if (id === null) return undefined;
    const record = await this.getApiKey(id);
    return record?.hash === hash ? record : undefined;
  }

  async listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]> {
    return this.listIndexed(this.keys.workspaceKeys(workspaceId), (id) => this.getApiKey(id));
  }

  async revokeApiKey(id: string): Promise<boolean> {
    const revoked = (await this.scripts.revokeApiKey([this.keys.apiKey(id)], [new Date().toISOString()])) === 1;
    if (revoked) await this.raiseConfigVersion();
    return revoked;
  }

  async setApiKeySendPolicy(id: string, policy: SendPolicy | null): Promise<boolean> {
    const change = policy === null ? ["0", "sendPolicy"] : ["1", "sendPolicy", JSON.stringify(policy)];
    const updated = (await this.scripts.updateHashIfPresent([this.keys.apiKey(id)], change)) === 1;
    if (updated) await this.raiseConfigVersion();
    return updated;
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    await this.scripts.touchApiKey([this.keys.apiKey(id)], [at]);
  }

  async createInbox(
    input: Omit<InboxRecord, "id" | "createdAt" | "secretStamp"> & { id?: string },
  ): Promise<InboxRecord> {
    const id = input.id ?? randomUUID();
    const sealedSecret = input.secret === null ? null : this.secrets.seal(input.secret, inboxSecretContext(id));
    const inbox: InboxRecord = {
      id,
      workspaceId: input.workspaceId,
      mode: input.mode,
      kind: input.kind,
      addresses: [...input.addresses],
      secret: input.secret,
      secretStamp: sealedSecret === null ? null : sealedStamp(sealedSecret),
      requireApproval: input.requireApproval ?? false,
      createdAt: new Date().toISOString(),
    };
    const fields: Fields = {
      id: inbox.id,
      workspaceId: inbox.workspaceId,
      mode: inbox.mode,
      kind: inbox.kind,
      addresses: JSON.stringify(inbox.addresses),
      createdAt: inbox.createdAt,
    };
    if (sealedSecret !== null) fields.sealedSecret = sealedSecret;
    if (inbox.requireApproval === true) fields.requireApproval = "1";
    await this.createHash(this.keys.inbox(inbox.id), fields, `inbox ${inbox.id}`);
    await Promise.all([
      this.client.sadd(this.keys.workspaceInboxes(inbox.workspaceId), inbox.id),
      this.client.sadd(this.keys.allInboxes(), inbox.id),
    ]);
    return inbox;
  }

  async setInboxRequireApproval(id: string, requireApproval: boolean): Promise<boolean> {
    const change = requireApproval ? ["1", "requireApproval", "1"] : ["0", "requireApproval"];
    const updated = (await this.scripts.updateHashIfPresent([this.keys.inbox(id)], change)) === 1;
    if (updated) await this.raiseConfigVersion();
    return updated;
  }

  async getInbox(id: string): Promise<InboxRecord | undefined> {
    return this.inboxFromFields(await this.client.hgetall(this.keys.inbox(id)));
  }

  async listInboxes(workspaceId?: string): Promise<InboxRecord[]> {
    const index = workspaceId === undefined ? this.keys.allInboxes() : this.keys.workspaceInboxes(workspaceId);
    return this.listIndexed(index, (id) => this.getInbox(id));
  }

  async updateInboxSecret(id: string, secret: string, options: InboxSecretWrite = {}): Promise<string | undefined> {
    const sealed = this.secrets.seal(secret, inboxSecretContext(id));
    const stamp = sealedStamp(sealed);
    options.beforeWrite?.(stamp);
    // A stamp is never empty: "" stands for "no secret" in the script.
    const condition = options.ifStamp === undefined ? [] : ["ifStamp", options.ifStamp ?? ""];
    const written = await this.scripts.updateInboxSecret([this.keys.inbox(id)], [sealed, ...condition]);
    if (written !== 1) return undefined;
    await this.raiseConfigVersion();
    return stamp;
  }

  async removeInbox(id: string): Promise<boolean> {
    const workspaceId = await this.scripts.removeInbox([this.keys.inbox(id), ...this.sandboxKeys(id)], []);
    if (typeof workspaceId !== "string") return false;
    await Promise.all([
      this.client.srem(this.keys.workspaceInboxes(workspaceId), id),
      this.client.srem(this.keys.allInboxes(), id),
      this.client.del(this.keys.correspondents(workspaceId, id)),
      this.client.hdel(this.keys.correspondentsLearned(workspaceId), id),
      this.raiseConfigVersion(),
    ]);
    return true;
  }

  async configVersion(): Promise<number> {
    return Number((await this.client.get(this.keys.configVersion())) ?? 0);
  }

  // After the change it announces: an instance that reads the new version finds the change made.
  private async raiseConfigVersion(): Promise<void> {
    await this.client.incr(this.keys.configVersion());
  }

  async hitRateWindows(keyId: string, windows: readonly RateWindow[], nowMs: number): Promise<RateDecision> {
    const windowsMs = rateWindowsInMs(windows);
    const longestMs = longestWindowMs(windowsMs);
    const args = [String(nowMs - longestMs), String(nowMs), randomUUID(), String(Math.ceil(longestMs))];
    for (const window of windowsMs) args.push(String(nowMs - window.ms), String(window.ms), String(window.limit));
    const [allowed, windowNumber, retryAfterMs] = integers(
      await this.scripts.hitRateWindows([this.keys.rateLog(keyId)], args),
    );
    if (allowed === 1) return { allowed: true };
    const window = windowNumber === undefined ? undefined : windowsMs[windowNumber - 1];
    if (window === undefined || retryAfterMs === undefined)
      throw new Error("the rate script answered an unexpected reply");
    return { allowed: false, window: window.name, limit: window.limit, retryAfterMs };
  }

  // The rate log is in the key's slot and the counter in the quota's: in Redis Cluster no one script
  // may touch both, so these are two steps, the second only when the first allows the call.
  async admitCall(
    keyId: string,
    windows: readonly RateWindow[],
    nowMs: number,
    charge: QuotaCharge | null,
  ): Promise<Admission> {
    const rate = await this.hitRateWindows(keyId, windows, nowMs);
    if (!rate.allowed || charge === null) return { rate, quota: null };
    return { rate, quota: await this.consumeQuota(charge.counter, charge.limit, charge.expiresAtMs) };
  }

  async consumeQuota(counter: string, limit: number, expiresAtMs: number): Promise<QuotaDecision> {
    const [allowed, used] = integers(
      await this.scripts.consumeQuota([this.keys.quota(counter)], [String(limit), String(Math.ceil(expiresAtMs))]),
    );
    if (used === undefined) throw new Error("the quota script answered an unexpected reply");
    return { allowed: allowed === 1, used };
  }

  // The counter's TTL is the period's end (consumeQuota), so Redis's clock judges expiry, as it does there.
  async quotaUsed(counter: string, _nowMs: number): Promise<number> {
    return Number((await this.client.get(this.keys.quota(counter))) ?? 0);
  }

  async releaseQuota(counter: string): Promise<void> {
    await this.scripts.releaseQuota([this.keys.quota(counter)], []);
  }

  async beginIdempotent(
    key: string,
    fingerprint: string,
    options: { nowMs: number; ttlMs: number; staleAfterMs: number },
  ): Promise<IdempotencyBegin> {
    const { nowMs, ttlMs, staleAfterMs } = options;
    const reply = await this.scripts.beginIdempotent(
      [this.keys.idempotency(key)],
      [fingerprint, String(nowMs), String(nowMs + ttlMs), String(Math.max(1, Math.ceil(ttlMs))), String(staleAfterMs)],
    );
    const [state, result] = Array.isArray(reply) ? (reply as unknown[]) : [];
    switch (state) {
      case "started":
      case "in_progress":
      case "unknown":
      case "mismatch":
        return { state };
      case "completed":
        return { state, result: JSON.parse(typeof result === "string" ? result : "null") as unknown };
      default:
        throw new Error("the idempotency script answered an unexpected reply");
    }
  }

  async completeIdempotent(key: string, result: unknown): Promise<void> {
    await this.scripts.completeIdempotent([this.keys.idempotency(key)], [JSON.stringify(result ?? null)]);
  }

  async abandonIdempotent(key: string): Promise<void> {
    await this.scripts.abandonIdempotent([this.keys.idempotency(key)], []);
  }

  async createUser(input: { email: string; passwordHash: string }): Promise<UserRecord | undefined> {
    const user: UserRecord = {
      id: randomUUID(),
      email: input.email,
      passwordHash: input.passwordHash,
      createdAt: new Date().toISOString(),
    };
    // The record first, then the email's one claim (HSETNX): a user who lost the claim is deleted,
    // and a crash between the two leaves a record that no email leads to and no count includes.
    const userKey = this.keys.user(user.id);
    await this.createHash(userKey, { ...user }, `user ${user.id}`);
    const claimed = await this.client.hsetnx(this.keys.userIdsByEmail(), userEmailKey(user.email), user.id);
    if (claimed === 1) return user;
    await this.client.del(userKey);
    return undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return userFromFields(await this.client.hgetall(this.keys.user(id)));
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const id = await this.client.hget(this.keys.userIdsByEmail(), userEmailKey(email));
    if (id === null) return undefined;
    const user = await this.getUser(id);
    return user !== undefined && userEmailKey(user.email) === userEmailKey(email) ? user : undefined;
  }

  async countUsers(): Promise<number> {
    return this.client.hlen(this.keys.userIdsByEmail());
  }

  async putMembership(input: { workspaceId: string; userId: string; role: MemberRole }): Promise<MembershipRecord> {
    const createdAt = await this.scripts.putMembership(
      [this.keys.workspaceMembers(input.workspaceId)],
      [input.userId, input.role, new Date().toISOString()],
    );
    if (typeof createdAt !== "string") throw new Error("the membership script answered an unexpected reply");
    await this.client.sadd(this.keys.userWorkspaces(input.userId), input.workspaceId);
    return { workspaceId: input.workspaceId, userId: input.userId, role: input.role, createdAt };
  }

  async listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    const workspaceIds = await this.client.smembers(this.keys.userWorkspaces(userId));
    const memberships = await Promise.all(
      workspaceIds.map(async (workspaceId) => {
        const json = await this.client.hget(this.keys.workspaceMembers(workspaceId), userId);
        return json === null ? undefined : membershipFromJson(workspaceId, userId, json);
      }),
    );
    return memberships
      .filter((membership): membership is MembershipRecord => membership !== undefined)
      .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.workspaceId, b.workspaceId));
  }

  async listMembersOfWorkspace(workspaceId: string): Promise<MembershipRecord[]> {
    const members = await this.client.hgetall(this.keys.workspaceMembers(workspaceId));
    return Object.entries(members)
      .map(([userId, json]) => membershipFromJson(workspaceId, userId, json))
      .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.userId, b.userId));
  }

  async removeMembership(workspaceId: string, userId: string): Promise<boolean> {
    const removed = await this.client.hdel(this.keys.workspaceMembers(workspaceId), userId);
    await this.client.srem(this.keys.userWorkspaces(userId), workspaceId);
    return removed > 0;
  }

  async createSession(session: SessionRecord): Promise<void> {
    const fields: Fields = {
      id: session.id,
      userId: session.userId,
      workspaceId: session.workspaceId,
      createdAt: session.createdAt,
      expiresAtMs: String(session.expiresAtMs),
    };
    const expiresAtMs = String(Math.ceil(session.expiresAtMs));
    const created = await this.scripts.createSession(
      [this.keys.session(session.userId, session.id), this.keys.userSessions(session.userId)],
      [session.id, expiresAtMs, String(Date.now()), ...Object.entries(fields).flat()],
    );
    if (created !== 1) throw new Error(`session ${session.id} already exists`);
    // The way from the session's id to its user's slot, written last: until then the session is unreachable.
    await this.scripts.setExpiring([this.keys.sessionUser(session.id)], [session.userId, expiresAtMs]);
  }

  async getSession(id: string, nowMs: number): Promise<SessionRecord | undefined> {
    const userId = await this.client.get(this.keys.sessionUser(id));
    if (userId === null) return undefined;
    const session = sessionFromFields(await this.client.hgetall(this.keys.session(userId, id)));
    return session !== undefined && session.expiresAtMs > nowMs ? session : undefined;
  }

  async switchSessionWorkspace(id: string, workspaceId: string): Promise<boolean> {
    const userId = await this.client.get(this.keys.sessionUser(id));
    if (userId === null) return false;
    const updated = await this.scripts.updateHashIfPresent(
      [this.keys.session(userId, id)],
      ["1", "workspaceId", workspaceId],
    );
    return updated === 1;
  }

  async deleteSession(id: string): Promise<void> {
    const userId = await this.client.get(this.keys.sessionUser(id));
    if (userId === null) return;
    await this.scripts.deleteSessions([this.keys.userSessions(userId), this.keys.session(userId, id)], [id]);
    await this.client.del(this.keys.sessionUser(id));
  }

  async deleteSessionsOfUser(userId: string): Promise<void> {
    // Until the user's index is empty: a session created while this runs is in it by the next round.
    const index = this.keys.userSessions(userId);
    for (;;) {
      const ids = await this.client.zrange(index, "0", String(SESSION_DELETE_BATCH - 1));
      if (ids.length === 0) return;
      const left = await this.scripts.deleteSessions([index, ...ids.map((id) => this.keys.session(userId, id))], ids);
      // One command per key: in a cluster each pointer lives in its own slot.
      await Promise.all(ids.map((id) => this.client.del(this.keys.sessionUser(id))));
      if (left === 0) return;
    }
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    const fields: Fields = {
      id: invite.id,
      role: invite.role,
      createdAt: invite.createdAt,
      expiresAtMs: String(invite.expiresAtMs),
    };
    if (invite.workspaceId !== null) fields.workspaceId = invite.workspaceId;
    const created = await this.scripts.createExpiringHash(
      [this.keys.invite(invite.id)],
      [String(Math.ceil(invite.expiresAtMs)), ...Object.entries(fields).flat()],
    );
    if (created !== 1) throw new Error(`invite ${invite.id} already exists`);
  }

  async takeInvite(id: string, nowMs: number): Promise<InviteRecord | undefined> {
    const reply = await this.scripts.takeInvite([this.keys.invite(id)], [String(nowMs)]);
    if (reply === null) return undefined;
    if (!Array.isArray(reply)) throw new Error("the invite script answered an unexpected reply");
    const fields: Fields = {};
    for (let index = 0; index + 1 < reply.length; index += 2) fields[String(reply[index])] = String(reply[index + 1]);
    return inviteFromFields(fields);
  }

  async recordActivity(entry: ActivityEntry): Promise<void> {
    const stored: StoredActivity = [entry.at, entry.keyId, entry.tool, entry.inboxId, entry.outcome, entry.durationMs];
    await this.scripts.recordActivity(
      [
        this.keys.activitySeq(entry.workspaceId),
        this.keys.activityLog(entry.workspaceId),
        this.keys.usage(entry.workspaceId, usageMonth(entry.at)),
      ],
      [JSON.stringify(stored), String(this.activityLogCapacity), usageField(entry)],
    );
  }

  async recordSendDecision(entry: SendDecisionEntry): Promise<void> {
    await this.scripts.appendToLog(
      [this.keys.sendLogSeq(entry.workspaceId), this.keys.sendLog(entry.workspaceId)],
      [JSON.stringify(entry), String(SEND_LOG_CAPACITY)],
    );
  }

  async listSendDecisions(
    workspaceId: string,
    query: { beforeSeq?: number; limit: number },
  ): Promise<StoredSendDecision[]> {
    if (query.limit <= 0) return [];
    const below = query.beforeSeq === undefined ? "+inf" : `(${query.beforeSeq}`;
    const members = await this.client.zrevrangebyscore(
      this.keys.sendLog(workspaceId),
      below,
      "-inf",
      "LIMIT",
      0,
      query.limit,
    );
    return members.map((member) => {
      const colon = member.indexOf(":");
      return { ...(JSON.parse(member.slice(colon + 1)) as SendDecisionEntry), seq: Number(member.slice(0, colon)) };
    });
  }

  async createSendHold(hold: NewSendHold): Promise<void> {
    const { args, ...rest } = hold;
    const data = { ...rest, sealedArgs: this.secrets.seal(JSON.stringify(args), sendHoldContext(hold.id)) };
    // Listed as due before it exists (the due list is in another slot): a member whose hold never
    // came to be is dropped by listDueSendHolds, while a hold never listed would never be sent.
    if (hold.sendAt !== null)
      await this.client.zadd(this.keys.dueSendHolds(), Date.parse(hold.sendAt), dueMember(hold.workspaceId, hold.id));
    await this.scripts.createSendHold(this.sendHoldKeys(hold.workspaceId), [
      hold.id,
      JSON.stringify(data),
      String(Date.parse(hold.heldAt)),
      String(SEND_HOLD_CAPACITY),
      hold.sendAt === null ? "pending_approval" : "scheduled",
    ]);
  }

  async getSendHold(workspaceId: string, holdId: string): Promise<SendHold | undefined> {
    return (await this.readSendHolds(workspaceId, [holdId]))[0];
  }

  async listSendHolds(workspaceId: string, query: { limit: number }): Promise<SendHold[]> {
    if (query.limit <= 0) return [];
    const ids = await this.client.zrevrange(this.keys.sendHoldOrder(workspaceId), 0, query.limit - 1);
    return this.readSendHolds(workspaceId, ids);
  }

  async decideSendHold(
    workspaceId: string,
    holdId: string,
    decision: { from: WaitingHoldStatus; to: "sending" | "rejected" | "cancelled"; by: string; at: string },
  ): Promise<SendHold | undefined> {
    const state: SendHoldState = { decidedAt: decision.at, decidedBy: decision.by, outcome: null };
    const moved = await this.scripts.moveSendHold(
      [this.keys.sendHoldStatus(workspaceId), this.keys.sendHoldState(workspaceId)],
      [holdId, decision.from, decision.to, JSON.stringify(state)],
    );
    if (moved !== 1) return undefined;
    if (decision.from === "scheduled")
      await this.client.zrem(this.keys.dueSendHolds(), dueMember(workspaceId, holdId)).catch(() => undefined);
    return this.getSendHold(workspaceId, holdId);
  }

  async listDueSendHolds(at: string, limit: number): Promise<DueSendHold[]> {
    if (limit <= 0) return [];
    const members = await this.client.zrangebyscore(
      this.keys.dueSendHolds(),
      "-inf",
      Date.parse(at),
      "LIMIT",
      0,
      limit,
    );
    // Read at once, not one after another: each workspace's holds may sit on another cluster node,
    // so one pipeline cannot carry them all.
    const held = await Promise.all(
      members.map(async (member) => {
        const [workspaceId = "", holdId = ""] = member.split(" ");
        const status = await this.client.hget(this.keys.sendHoldStatus(workspaceId), holdId);
        return { member, workspaceId, holdId, status };
      }),
    );
    const gone = held.filter(({ status }) => status !== "scheduled" && status !== "sending");
    if (gone.length > 0) await this.client.zrem(this.keys.dueSendHolds(), ...gone.map(({ member }) => member));
    return held
      .filter(({ status }) => status === "scheduled")
      .map(({ workspaceId, holdId }) => ({ workspaceId, holdId }));
  }

  async finishSendHold(
    workspaceId: string,
    holdId: string,
    finish: { status: "sent" | "failed"; outcome: SendHoldOutcome },
  ): Promise<void> {
    const decided = await this.getSendHold(workspaceId, holdId);
    if (decided?.status !== "sending") return;
    const state: SendHoldState = {
      decidedAt: decided.decidedAt,
      decidedBy: decided.decidedBy,
      outcome: finish.outcome,
    };
    await this.scripts.moveSendHold(
      [this.keys.sendHoldStatus(workspaceId), this.keys.sendHoldState(workspaceId)],
      [holdId, "sending", finish.status, JSON.stringify(state)],
    );
  }

  async observeCorrespondents(
    workspaceId: string,
    inboxId: string,
    sightings: readonly CorrespondentSighting[],
    asked: readonly string[],
  ): Promise<{ learned: boolean; known: Correspondent[] }> {
    // Sightings of one address are merged here first, so that the script gets each address once.
    const merged = new Map<string, CorrespondentSighting>();
    for (const sighting of sightings.slice(0, CORRESPONDENT_SIGHTINGS_MAX)) {
      const before = merged.get(sighting.address);
      merged.set(sighting.address, {
        address: sighting.address,
        receivedAtMs: earliest(before?.receivedAtMs ?? null, sighting.receivedAtMs),
        writtenTo: (before?.writtenTo ?? false) || sighting.writtenTo,
      });
    }
    const askedOnce = [...new Set(asked)];
    const args = [inboxId, String(merged.size)];
    for (const { address, receivedAtMs, writtenTo } of merged.values())
      args.push(address, receivedAtMs === null ? "" : String(receivedAtMs), writtenTo ? "1" : "0");
    args.push(...askedOnce);
    const reply = (await this.scripts.observeCorrespondents(
      [this.keys.correspondents(workspaceId, inboxId), this.keys.correspondentsLearned(workspaceId)],
      args,
    )) as [number, ...(string | null)[]];
    const known: Correspondent[] = [];
    askedOnce.forEach((address, index) => {
      const value = reply[index + 1];
      if (typeof value === "string") known.push(correspondentFromValue(address, value));
    });
    return { learned: reply[0] === 1, known };
  }

  async markCorrespondentsLearned(workspaceId: string, inboxId: string): Promise<void> {
    await this.client.hsetnx(this.keys.correspondentsLearned(workspaceId), inboxId, new Date().toISOString());
  }

  private sendHoldKeys(workspaceId: string): string[] {
    return [
      this.keys.sendHolds(workspaceId),
      this.keys.sendHoldStatus(workspaceId),
      this.keys.sendHoldState(workspaceId),
      this.keys.sendHoldOrder(workspaceId),
    ];
  }

  private async readSendHolds(workspaceId: string, ids: string[]): Promise<SendHold[]> {
    if (ids.length === 0) return [];
    const [data, statuses, states] = await Promise.all([
      this.client.hmget(this.keys.sendHolds(workspaceId), ...ids),
      this.client.hmget(this.keys.sendHoldStatus(workspaceId), ...ids),
      this.client.hmget(this.keys.sendHoldState(workspaceId), ...ids),
    ]);
    const holds: SendHold[] = [];
    ids.forEach((id, index) => {
      const json = data[index];
      const status = statuses[index];
      if (json === null || json === undefined || status === null || status === undefined) return;
      const { sealedArgs, ...rest } = JSON.parse(json) as Omit<NewSendHold, "args"> & { sealedArgs: string };
      const state =
        states[index] === null || states[index] === undefined ? null : (JSON.parse(states[index]!) as SendHoldState);
      holds.push({
        ...rest,
        // Holds stored before undo windows (1.5.0) have no sendAt.
        sendAt: rest.sendAt ?? null,
        args: openHoldArgs(this.secrets, sealedArgs, id),
        status: status as SendHoldStatus,
        decidedAt: state?.decidedAt ?? null,
        decidedBy: state?.decidedBy ?? null,
        outcome: state?.outcome ?? null,
      });
    });
    return holds;
  }

  async listActivity(workspaceId: string, query: ActivityQuery): Promise<StoredActivityEntry[]> {
    const found: StoredActivityEntry[] = [];
    if (query.limit <= 0) return found;
    const filtered = query.keyId !== undefined || query.tool !== undefined || query.outcome !== undefined;
    const batch = filtered ? Math.max(query.limit, ACTIVITY_SCAN_BATCH) : query.limit;
    let below = query.beforeSeq === undefined ? "+inf" : `(${query.beforeSeq}`;
    for (;;) {
      const members = await this.client.zrevrangebyscore(
        this.keys.activityLog(workspaceId),
        below,
        "-inf",
        "LIMIT",
        0,
        batch,
      );
      for (const member of members) {
        const entry = activityFromMember(workspaceId, member);
        below = `(${entry.seq}`;
        if (query.keyId !== undefined && entry.keyId !== query.keyId) continue;
        if (query.tool !== undefined && entry.tool !== query.tool) continue;
        if (query.outcome !== undefined && entry.outcome !== query.outcome) continue;
        found.push(entry);
        if (found.length === query.limit) return found;
      }
      if (members.length < batch) return found;
    }
  }

  async usageOfMonth(workspaceId: string, month: string): Promise<UsageCount[]> {
    const counts = await this.client.hgetall(this.keys.usage(workspaceId, month));
    return Object.entries(counts)
      .map(([field, count]) => {
        const [keyId, tool, outcome] = JSON.parse(field) as [string, string, string];
        return { keyId, tool, outcome, count: Number(count) };
      })
      .sort(
        (a, b) => compareText(a.keyId, b.keyId) || compareText(a.tool, b.tool) || compareText(a.outcome, b.outcome),
      );
  }

  async putSandboxMessages(messages: readonly SandboxMessage[]): Promise<void> {
    // A later message under the same id replaces an earlier one, as successive puts would.
    const byInbox = new Map<string, Map<string, string[]>>();
    for (const message of messages) {
      const stored: StoredSandboxMessage = {
        folder: message.folder,
        date: message.date,
        unread: message.unread,
        data: message.data,
      };
      const summary: StoredSandboxMessage = { ...stored, data: sandboxSummaryData(message.data) };
      const fields = byInbox.get(message.inboxId) ?? new Map<string, string[]>();
      fields.set(message.id, [JSON.stringify(stored), JSON.stringify(summary), ...listingEntry(message)]);
      byInbox.set(message.inboxId, fields);
    }
    // One script per inbox: the messages of one inbox, their summaries and listings, are written all at once.
    await Promise.all(
      [...byInbox].map(([inboxId, fields]) =>
        this.scripts.putSandboxMessages(
          this.sandboxKeys(inboxId),
          [...fields].flatMap(([id, values]) => [id, ...values]),
        ),
      ),
    );
  }

  async listSandboxMessages(inboxId: string): Promise<SandboxMessage[]> {
    const fields = await this.client.hgetall(this.keys.inboxMessages(inboxId));
    return sortNewestMessageFirst(
      Object.entries(fields).map(([id, json]) => sandboxMessageFromJson(inboxId, id, json)),
    );
  }

  async listSandboxSummaries(inboxId: string, folder?: string): Promise<SandboxMessage[]> {
    const reply = await this.scripts.listSandboxSummaries(
      [this.keys.inboxMessages(inboxId), this.keys.inboxSummaries(inboxId)],
      [],
    );
    const [complete, flat] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if ((complete !== 0 && complete !== 1) || !Array.isArray(flat))
      throw new Error("the summaries script answered an unexpected reply");
    const messages: SandboxMessage[] = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const message = sandboxMessageFromJson(inboxId, String(flat[index]), String(flat[index + 1]));
      if (folder !== undefined && message.folder !== folder) continue;
      messages.push(complete === 1 ? message : { ...message, data: sandboxSummaryData(message.data) });
    }
    return sortNewestMessageFirst(messages);
  }

  async pageSandboxSummaries(inboxId: string, page: SandboxPageQuery): Promise<SandboxSummaryPage> {
    const keys = this.sandboxKeys(inboxId);
    const folder = encodeURIComponent(page.folder);
    const args = [
      `[${folder}\u0000`,
      `(${folder}\u0001`,
      String(page.offset),
      String(page.limit),
      page.unreadOnly === true ? "1" : "0",
    ];
    // An inbox stored before the listings were kept is listed once, then paged like any other.
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await this.scripts.pageSandboxSummaries(keys, args);
      if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1))
        throw new Error("the sandbox page script answered an unexpected reply");
      if (reply[0] === 1) return sandboxPageFromReply(inboxId, reply as unknown[]);
      const listed = await this.listSandboxSummaries(inboxId);
      await this.scripts.indexSandboxMessages(
        keys,
        listed.flatMap((message) => [message.id, ...listingEntry(message)]),
      );
    }
    // Messages kept being put without listings (an instance older than this one): page the whole listing.
    const listed = (await this.listSandboxSummaries(inboxId, page.folder)).filter(
      (message) => page.unreadOnly !== true || message.unread,
    );
    return { messages: listed.slice(page.offset, page.offset + page.limit), total: listed.length };
  }

  async deleteSandboxMessages(inboxId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.scripts.deleteSandboxMessages(this.sandboxKeys(inboxId), [...ids]);
  }

  /** The keys of an inbox's sandbox messages, in the order the sandbox scripts take them. */
  private sandboxKeys(inboxId: string): string[] {
    return [
      this.keys.inboxMessages(inboxId),
      this.keys.inboxSummaries(inboxId),
      this.keys.inboxListing(inboxId),
      this.keys.inboxUnreadListing(inboxId),
      this.keys.inboxListingMembers(inboxId),
    ];
  }

  async getSandboxMessage(inboxId: string, id: string): Promise<SandboxMessage | undefined> {
    const json = await this.client.hget(this.keys.inboxMessages(inboxId), id);
    return json === null ? undefined : sandboxMessageFromJson(inboxId, id, json);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // QUIT needs Redis to answer; when it is away, drop the connection instead of failing the shutdown.
    await this.client.quit().catch(() => this.client.disconnect());
  }

  async putOAuthClient(client: OAuthClientRecord): Promise<void> {
    await this.client.hset(this.keys.oauthClient(client.id), {
      id: client.id,
      name: client.name,
      redirectUris: JSON.stringify(client.redirectUris),
      source: client.source,
      createdAt: client.createdAt,
    });
  }

  async getOAuthClient(id: string): Promise<OAuthClientRecord | undefined> {
    const fields = await this.client.hgetall(this.keys.oauthClient(id));
    if (fields.id === undefined) return undefined;
    return {
      id: fields.id,
      name: required(fields, "name"),
      redirectUris: JSON.parse(required(fields, "redirectUris")) as string[],
      source: required(fields, "source") as OAuthClientRecord["source"],
      createdAt: required(fields, "createdAt"),
    };
  }

  async createAuthorizationCode(code: Omit<AuthorizationCodeRecord, "usedAt">): Promise<void> {
    await this.createOneUseRecord(
      this.keys.authorizationCode(code.id),
      code.expiresAtMs + AUTHORIZATION_CODE_MEMORY_MS,
      code,
      "authorization code",
    );
  }

  async findAuthorizationCode(id: string): Promise<AuthorizationCodeRecord | undefined> {
    const fields = await this.client.hgetall(this.keys.authorizationCode(id));
    if (fields.record === undefined) return undefined;
    return { ...(JSON.parse(fields.record) as Omit<AuthorizationCodeRecord, "usedAt">), usedAt: fields.usedAt ?? null };
  }

  async useAuthorizationCode(id: string, at: string): Promise<boolean> {
    return (await this.scripts.setFieldOnce([this.keys.authorizationCode(id)], ["usedAt", at])) === 1;
  }

  async createOAuthGrant(
    grant: Omit<OAuthGrantRecord, "createdAt" | "lastUsedAt" | "revokedAt">,
  ): Promise<OAuthGrantRecord> {
    const created: OAuthGrantRecord = {
      ...grant,
      inboxIds: [...grant.inboxIds],
      scopes: [...grant.scopes],
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.createHash(
      this.keys.oauthGrant(created.id),
      {
        id: created.id,
        userId: created.userId,
        workspaceId: created.workspaceId,
        clientId: created.clientId,
        mode: created.mode,
        inboxIds: JSON.stringify(created.inboxIds),
        scopes: JSON.stringify(created.scopes),
        resource: created.resource,
        createdAt: created.createdAt,
      },
      `OAuth grant ${created.id}`,
    );
    await this.client.sadd(this.keys.workspaceOAuthGrants(created.workspaceId), created.id);
    return created;
  }

  async getOAuthGrant(id: string): Promise<OAuthGrantRecord | undefined> {
    return grantFromFields(await this.client.hgetall(this.keys.oauthGrant(id)));
  }

  async listOAuthGrants(workspaceId: string): Promise<OAuthGrantRecord[]> {
    return this.listIndexed(this.keys.workspaceOAuthGrants(workspaceId), (id) => this.getOAuthGrant(id));
  }

  // The API key scripts set revokedAt and lastUsedAt of whatever record they are given.
  async revokeOAuthGrant(id: string, at: string): Promise<boolean> {
    return (await this.scripts.revokeApiKey([this.keys.oauthGrant(id)], [at])) === 1;
  }

  async touchOAuthGrant(id: string, at: string): Promise<void> {
    await this.scripts.touchApiKey([this.keys.oauthGrant(id)], [at]);
  }

  async createRefreshToken(token: Omit<RefreshTokenRecord, "rotatedAt">): Promise<void> {
    await this.createOneUseRecord(this.keys.refreshToken(token.id), token.expiresAtMs, token, "refresh token");
  }

  async findRefreshToken(id: string, nowMs: number): Promise<RefreshTokenRecord | undefined> {
    const fields = await this.client.hgetall(this.keys.refreshToken(id));
    if (fields.record === undefined) return undefined;
    const token = JSON.parse(fields.record) as Omit<RefreshTokenRecord, "rotatedAt">;
    return token.expiresAtMs > nowMs ? { ...token, rotatedAt: fields.rotatedAt ?? null } : undefined;
  }

  async rotateRefreshToken(id: string, at: string): Promise<boolean> {
    return (await this.scripts.setFieldOnce([this.keys.refreshToken(id)], ["rotatedAt", at])) === 1;
  }

  async createAccessToken(token: AccessTokenRecord): Promise<void> {
    await this.createOneUseRecord(this.keys.accessToken(token.id), token.expiresAtMs, token, "access token");
  }

  async findAccessToken(id: string, nowMs: number): Promise<AccessTokenRecord | undefined> {
    const record = await this.client.hget(this.keys.accessToken(id), "record");
    if (record === null) return undefined;
    const token = JSON.parse(record) as AccessTokenRecord;
    return token.expiresAtMs > nowMs ? token : undefined;
  }

  async deleteAccessToken(id: string): Promise<void> {
    await this.client.del(this.keys.accessToken(id));
  }

  /** A code's or a token's record as JSON in a hash that Redis forgets at forgetAtMs. */
  private async createOneUseRecord(key: string, forgetAtMs: number, record: { id: string }, what: string) {
    const created = await this.scripts.createExpiringHash(
      [key],
      [String(Math.ceil(forgetAtMs)), "record", JSON.stringify(record)],
    );
    if (created !== 1) throw new Error(`an ${what} with this hash already exists`);
  }

  private async createHash(key: string, fields: Fields, what: string): Promise<void> {
    const created = await this.scripts.createHashIfAbsent([key], Object.entries(fields).flat());
    if (created !== 1) throw new Error(`${what} already exists`);
  }

  private async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return apiKeyFromFields(await this.client.hgetall(this.keys.apiKey(id)));
  }

  /** Reads every record an index set names, skipping ids whose record is gone, in creation order. */
  private async listIndexed<T extends { createdAt: string; id: string }>(
    index: string,
    read: (id: string) => Promise<T | undefined>,
  ): Promise<T[]> {
    const ids = await this.client.smembers(index);
    const records: (T | undefined)[] = await Promise.all(ids.map(read));
    return records.filter((record): record is T => record !== undefined).sort(byCreation);
  }

  private inboxFromFields(fields: Fields): InboxRecord | undefined {
    if (fields.id === undefined) return undefined;
    // Opens nothing: the record's secret is opened when it is first read.
    return inboxRecordWithSealedSecret(
      {
        id: fields.id,
        workspaceId: required(fields, "workspaceId"),
        mode: required(fields, "mode") as KeyMode,
        kind: required(fields, "kind") as InboxKind,
        addresses: JSON.parse(required(fields, "addresses")) as string[],
        requireApproval: fields.requireApproval === "1",
        createdAt: required(fields, "createdAt"),
      },
      fields.sealedSecret ?? null,
      this.secrets,
    );
  }
}

function workspaceFromFields(fields: Fields): Workspace | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: fields.id,
    name: required(fields, "name"),
    plan: required(fields, "plan") as PlanId,
    sendsPerDayOverride: fields.sendsPerDayOverride === undefined ? null : Number(fields.sendsPerDayOverride),
    callsPerMonthOverride: fields.callsPerMonthOverride === undefined ? null : Number(fields.callsPerMonthOverride),
    rateLimitsOverride:
      fields.rateLimitsOverride === undefined ? null : (JSON.parse(fields.rateLimitsOverride) as RateLimitsOverride),
    sendPolicy: fields.sendPolicy === undefined ? null : storedSendPolicy(fields.sendPolicy),
    createdAt: required(fields, "createdAt"),
  };
}

function apiKeyFromFields(fields: Fields): ApiKeyRecord | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: fields.id,
    workspaceId: required(fields, "workspaceId"),
    mode: required(fields, "mode") as KeyMode,
    scopes: JSON.parse(required(fields, "scopes")) as Scope[],
    hash: required(fields, "hash"),
    hint: required(fields, "hint"),
    name: fields.name ?? null,
    inboxIds: fields.inboxIds === undefined ? null : (JSON.parse(fields.inboxIds) as string[]),
    createdAt: required(fields, "createdAt"),
    revokedAt: fields.revokedAt ?? null,
    lastUsedAt: fields.lastUsedAt ?? null,
    sendPolicy: fields.sendPolicy === undefined ? null : storedSendPolicy(fields.sendPolicy),
  };
}

function grantFromFields(fields: Fields): OAuthGrantRecord | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: fields.id,
    userId: required(fields, "userId"),
    workspaceId: required(fields, "workspaceId"),
    clientId: required(fields, "clientId"),
    mode: required(fields, "mode") as KeyMode,
    inboxIds: JSON.parse(required(fields, "inboxIds")) as string[],
    scopes: JSON.parse(required(fields, "scopes")) as Scope[],
    resource: required(fields, "resource"),
    createdAt: required(fields, "createdAt"),
    lastUsedAt: fields.lastUsedAt ?? null,
    revokedAt: fields.revokedAt ?? null,
  };
}

function userFromFields(fields: Fields): UserRecord | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: fields.id,
    email: required(fields, "email"),
    passwordHash: required(fields, "passwordHash"),
    createdAt: required(fields, "createdAt"),
  };
}

function membershipFromJson(workspaceId: string, userId: string, json: string): MembershipRecord {
  const stored = JSON.parse(json) as StoredMembership;
  return { workspaceId, userId, role: stored.role, createdAt: stored.createdAt };
}

function sessionFromFields(fields: Fields): SessionRecord | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: fields.id,
    userId: required(fields, "userId"),
    workspaceId: required(fields, "workspaceId"),
    createdAt: required(fields, "createdAt"),
    expiresAtMs: Number(required(fields, "expiresAtMs")),
  };
}

function inviteFromFields(fields: Fields): InviteRecord | undefined {
  if (fields.id === undefined) return undefined;
  return {
    id: fields.id,
    workspaceId: fields.workspaceId ?? null,
    role: required(fields, "role") as MemberRole,
    createdAt: required(fields, "createdAt"),
    expiresAtMs: Number(required(fields, "expiresAtMs")),
  };
}

/** A usage hash's field: the (key, tool, outcome) it counts. */
function usageField(entry: ActivityEntry): string {
  return JSON.stringify([entry.keyId, entry.tool, entry.outcome]);
}

function activityFromMember(workspaceId: string, member: string): StoredActivityEntry {
  const colon = member.indexOf(":");
  const [at, keyId, tool, inboxId, outcome, durationMs] = JSON.parse(member.slice(colon + 1)) as StoredActivity;
  return { workspaceId, seq: Number(member.slice(0, colon)), at, keyId, tool, inboxId, outcome, durationMs };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A message's member in its inbox's listings and whether it is in the unread one ("1"). */
function listingEntry(message: Pick<SandboxMessage, "folder" | "date" | "id" | "unread">): [string, string] {
  return [`${encodeURIComponent(message.folder)}\u0000${newestFirstKey(message)}`, message.unread ? "1" : "0"];
}

function sandboxPageFromReply(inboxId: string, reply: unknown[]): SandboxSummaryPage {
  const total = reply[1];
  if (typeof total !== "number") throw new Error("the sandbox page script answered an unexpected reply");
  const messages: SandboxMessage[] = [];
  for (let index = 2; index + 2 < reply.length; index += 3) {
    const message = sandboxMessageFromJson(inboxId, String(reply[index]), String(reply[index + 2]));
    messages.push(reply[index + 1] === 1 ? message : { ...message, data: sandboxSummaryData(message.data) });
  }
  return { messages, total };
}

function sandboxMessageFromJson(inboxId: string, id: string, json: string): SandboxMessage {
  const stored = JSON.parse(json) as StoredSandboxMessage;
  return { inboxId, id, folder: stored.folder, date: stored.date, unread: stored.unread, data: stored.data };
}

function required(fields: Fields, name: string): string {
  const value = fields[name];
  if (value === undefined) throw new Error(`a stored record ${fields.id ?? "?"} lacks its ${name} field`);
  return value;
}

function integers(reply: unknown): (number | undefined)[] {
  if (!Array.isArray(reply)) throw new Error("a store script answered an unexpected reply");
  return reply.map((item) => (typeof item === "number" ? item : undefined));
}

/** The earlier of two dates, either of which may be missing (null). */
function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** A stored correspondent: "<first received at ms, empty when none>|<1 when written to, else 0>". */
function correspondentFromValue(address: string, value: string): Correspondent {
  const bar = value.indexOf("|");
  const receivedAt = value.slice(0, bar);
  return {
    address,
    firstReceivedAtMs: receivedAt === "" ? null : Number(receivedAt),
    writtenTo: value.slice(bar + 1) === "1",
  };
}

/** A hold's member in the due list: workspace and hold ids never contain a space. */
function dueMember(workspaceId: string, holdId: string): string {
  return `${workspaceId} ${holdId}`;
}

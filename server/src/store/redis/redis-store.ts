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
import { byCreation, sortNewestMessageFirst } from "../listing-order.js";
import { longestWindowMs, rateWindowsInMs } from "../rate-windows.js";
import { createSecretBox, inboxSecretContext, resolveSecretKey, type SecretBox } from "../secrets.js";
import type {
  ApiKeyRecord,
  IdempotencyBegin,
  InboxKind,
  InboxRecord,
  QuotaDecision,
  RateDecision,
  RateLimitsOverride,
  RateWindow,
  SandboxMessage,
  Store,
  Workspace,
  WorkspaceLimitsChange,
} from "../store.js";
import { sandboxSummaryData } from "../store.js";
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
}

export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const keys = redisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const secrets = createSecretBox(options.secretKey ?? resolveSecretKey({ dataDir: options.dataDir }));
  const client = await connectRedis(
    options.url,
    options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs },
  );
  return new RedisStore(client, keys, defineScripts(client), secrets);
}

type Fields = Record<string, string>;

/** How a sandbox message is kept in its inbox's messages hash (the inbox and id are the hash and field). */
interface StoredSandboxMessage {
  folder: string;
  date: string;
  unread: boolean;
  data: unknown;
}

class RedisStore implements Store {
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly scripts: RedisScripts,
    private readonly secrets: SecretBox,
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
    return updated === 1 ? this.getWorkspace(id) : undefined;
  }

  async createApiKey(record: Omit<ApiKeyRecord, "createdAt" | "revokedAt">): Promise<ApiKeyRecord> {
    const created: ApiKeyRecord = {
      ...record,
      scopes: [...record.scopes],
      createdAt: new Date().toISOString(),
      revokedAt: null,
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
    return (await this.scripts.revokeApiKey([this.keys.apiKey(id)], [new Date().toISOString()])) === 1;
  }

  async createInbox(input: Omit<InboxRecord, "id" | "createdAt"> & { id?: string }): Promise<InboxRecord> {
    const inbox: InboxRecord = {
      id: input.id ?? randomUUID(),
      workspaceId: input.workspaceId,
      mode: input.mode,
      kind: input.kind,
      addresses: [...input.addresses],
      secret: input.secret,
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
    if (inbox.secret !== null) fields.sealedSecret = this.secrets.seal(inbox.secret, inboxSecretContext(inbox.id));
    await this.createHash(this.keys.inbox(inbox.id), fields, `inbox ${inbox.id}`);
    await Promise.all([
      this.client.sadd(this.keys.workspaceInboxes(inbox.workspaceId), inbox.id),
      this.client.sadd(this.keys.allInboxes(), inbox.id),
    ]);
    return inbox;
  }

  async getInbox(id: string): Promise<InboxRecord | undefined> {
    return this.inboxFromFields(await this.client.hgetall(this.keys.inbox(id)));
  }

  async listInboxes(workspaceId?: string): Promise<InboxRecord[]> {
    const index = workspaceId === undefined ? this.keys.allInboxes() : this.keys.workspaceInboxes(workspaceId);
    return this.listIndexed(index, (id) => this.getInbox(id));
  }

  async updateInboxSecret(id: string, secret: string): Promise<boolean> {
    return (
      (await this.scripts.updateInboxSecret(
        [this.keys.inbox(id)],
        [this.secrets.seal(secret, inboxSecretContext(id))],
      )) === 1
    );
  }

  async removeInbox(id: string): Promise<boolean> {
    const workspaceId = await this.scripts.removeInbox(
      [this.keys.inbox(id), this.keys.inboxMessages(id), this.keys.inboxSummaries(id)],
      [],
    );
    if (typeof workspaceId !== "string") return false;
    await Promise.all([
      this.client.srem(this.keys.workspaceInboxes(workspaceId), id),
      this.client.srem(this.keys.allInboxes(), id),
    ]);
    return true;
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

  async consumeQuota(counter: string, limit: number, expiresAtMs: number): Promise<QuotaDecision> {
    const [allowed, used] = integers(
      await this.scripts.consumeQuota([this.keys.quota(counter)], [String(limit), String(Math.ceil(expiresAtMs))]),
    );
    if (used === undefined) throw new Error("the quota script answered an unexpected reply");
    return { allowed: allowed === 1, used };
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

  async putSandboxMessages(messages: readonly SandboxMessage[]): Promise<void> {
    // A later message under the same id replaces an earlier one, as successive puts would.
    const byInbox = new Map<string, Map<string, [string, string]>>();
    for (const message of messages) {
      const stored: StoredSandboxMessage = {
        folder: message.folder,
        date: message.date,
        unread: message.unread,
        data: message.data,
      };
      const summary: StoredSandboxMessage = { ...stored, data: sandboxSummaryData(message.data) };
      const fields = byInbox.get(message.inboxId) ?? new Map<string, [string, string]>();
      fields.set(message.id, [JSON.stringify(stored), JSON.stringify(summary)]);
      byInbox.set(message.inboxId, fields);
    }
    // One script per inbox: the messages of one inbox, and their summaries, are written all at once.
    await Promise.all(
      [...byInbox].map(([inboxId, fields]) =>
        this.scripts.putSandboxMessages(
          [this.keys.inboxMessages(inboxId), this.keys.inboxSummaries(inboxId)],
          [...fields].flatMap(([id, [json, summaryJson]]) => [id, json, summaryJson]),
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

  async deleteSandboxMessages(inboxId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.scripts.deleteSandboxMessages(
      [this.keys.inboxMessages(inboxId), this.keys.inboxSummaries(inboxId)],
      [...ids],
    );
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
    return {
      id: fields.id,
      workspaceId: required(fields, "workspaceId"),
      mode: required(fields, "mode") as KeyMode,
      kind: required(fields, "kind") as InboxKind,
      addresses: JSON.parse(required(fields, "addresses")) as string[],
      secret:
        fields.sealedSecret === undefined
          ? null
          : this.secrets.open(fields.sealedSecret, inboxSecretContext(fields.id)),
      createdAt: required(fields, "createdAt"),
    };
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
    createdAt: required(fields, "createdAt"),
    revokedAt: fields.revokedAt ?? null,
  };
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

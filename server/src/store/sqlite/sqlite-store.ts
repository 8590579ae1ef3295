// The embedded default adapter of the Store port: one SQLite file in the data directory. Decisions
// that must hold across processes (rate windows, quotas, idempotency) read and write inside one
// IMMEDIATE transaction: it takes the file's write lock before reading, so two processes on the
// same file cannot both see the last free unit.
import { randomUUID } from "node:crypto";
import type { Database } from "better-sqlite3";
import type { KeyMode, PlanId, Scope } from "@mcpemails/generated";
import { sortNewestMessageFirst } from "../listing-order.js";
import { longestWindowMs, rateWindowsInMs, type RateWindowMs } from "../rate-windows.js";
import { createSecretBox, inboxSecretContext, resolveSecretKey, type SecretBox } from "../secrets.js";
import type {
  ApiKeyRecord,
  IdempotencyBegin,
  InboxKind,
  InboxRecord,
  QuotaDecision,
  RateDecision,
  RateWindow,
  SandboxMessage,
  RateLimitsOverride,
  Store,
  Workspace,
  WorkspaceLimitsChange,
} from "../store.js";
import { sandboxSummaryData } from "../store.js";
import { openDatabase } from "./open-database.js";

export interface SqliteStoreOptions {
  /** MCPEMAILS_DATA_DIR: holds mcpemails.db (and secret.key when the key is generated). */
  dataDir: string;
  /** 32 bytes; when absent, resolveSecretKey finds it (MCPEMAILS_SECRET_KEY or <dataDir>/secret.key). */
  secretKey?: Buffer;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const secrets = createSecretBox(options.secretKey ?? resolveSecretKey({ dataDir: options.dataDir }));
  return new SqliteStore(openDatabase(options.dataDir), secrets);
}

interface WorkspaceRow {
  id: string;
  name: string;
  plan: string;
  sends_per_day_override: number | null;
  calls_per_month_override: number | null;
  rate_limits_override: string | null;
  created_at: string;
}

interface ApiKeyRow {
  id: string;
  workspace_id: string;
  mode: string;
  scopes: string;
  hash: string;
  hint: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
}

interface InboxRow {
  id: string;
  workspace_id: string;
  mode: string;
  kind: string;
  addresses: string;
  sealed_secret: string | null;
  created_at: string;
}

interface IdempotencyRow {
  fingerprint: string;
  state: "started" | "completed" | "unknown";
  started_at_ms: number;
  expires_at_ms: number;
  result: string | null;
}

interface SandboxMessageRow {
  inbox_id: string;
  id: string;
  folder: string;
  date: string;
  unread: number;
  data: string;
}

/** A row of listSandboxSummaries, as an array (raw mode: no object per row): inbox_id, id, folder, date, unread, summary. */
type SandboxSummaryRow = [string, string, string, string, number, string];

/** Expired quota counters and idempotency records are swept at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

function prepareStatements(db: Database) {
  return {
    insertWorkspace: db.prepare<[string, string, string, number | null, string]>(
      "INSERT INTO workspaces (id, name, plan, sends_per_day_override, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    getWorkspace: db.prepare<[string], WorkspaceRow>("SELECT * FROM workspaces WHERE id = ?"),
    listWorkspaces: db.prepare<[], WorkspaceRow>("SELECT * FROM workspaces ORDER BY created_at, id"),
    setSendsPerDayOverride: db.prepare<[number | null, string]>(
      "UPDATE workspaces SET sends_per_day_override = ? WHERE id = ?",
    ),
    setCallsPerMonthOverride: db.prepare<[number | null, string]>(
      "UPDATE workspaces SET calls_per_month_override = ? WHERE id = ?",
    ),
    setRateLimitsOverride: db.prepare<[string | null, string]>(
      "UPDATE workspaces SET rate_limits_override = ? WHERE id = ?",
    ),

    insertApiKey: db.prepare<[string, string, string, string, string, string, string | null, string]>(
      "INSERT INTO api_keys (id, workspace_id, mode, scopes, hash, hint, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    findApiKeyByHash: db.prepare<[string], ApiKeyRow>("SELECT * FROM api_keys WHERE hash = ?"),
    listApiKeys: db.prepare<[string], ApiKeyRow>(
      "SELECT * FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id",
    ),
    // The first revocation time stands; revoking again only confirms that the key exists.
    revokeApiKey: db.prepare<[string, string]>("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"),

    insertInbox: db.prepare<[string, string, string, string, string, string | null, string]>(
      "INSERT INTO inboxes (id, workspace_id, mode, kind, addresses, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    getInbox: db.prepare<[string], InboxRow>("SELECT * FROM inboxes WHERE id = ?"),
    listAllInboxes: db.prepare<[], InboxRow>("SELECT * FROM inboxes ORDER BY created_at, id"),
    listInboxesOfWorkspace: db.prepare<[string], InboxRow>(
      "SELECT * FROM inboxes WHERE workspace_id = ? ORDER BY created_at, id",
    ),
    updateInboxSecret: db.prepare<[string, string]>("UPDATE inboxes SET sealed_secret = ? WHERE id = ?"),
    deleteInbox: db.prepare<[string]>("DELETE FROM inboxes WHERE id = ?"),
    deleteSandboxMessagesOfInbox: db.prepare<[string]>("DELETE FROM sandbox_messages WHERE inbox_id = ?"),

    pruneRateHits: db.prepare<[string, number]>("DELETE FROM rate_hits WHERE key_id = ? AND at_ms <= ?"),
    getRateLogSize: db.prepare<[string], { size: number }>("SELECT size FROM rate_log_sizes WHERE key_id = ?"),
    setRateLogSize: db.prepare<[string, number]>(
      "INSERT INTO rate_log_sizes (key_id, size) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET size = excluded.size",
    ),
    nthNewestRateHit: db.prepare<[string, number], { at_ms: number }>(
      "SELECT at_ms FROM rate_hits WHERE key_id = ? ORDER BY at_ms DESC LIMIT 1 OFFSET ?",
    ),
    insertRateHit: db.prepare<[string, number]>("INSERT INTO rate_hits (key_id, at_ms) VALUES (?, ?)"),

    getQuota: db.prepare<[string], { used: number; expires_at_ms: number }>(
      "SELECT used, expires_at_ms FROM quota_counters WHERE counter = ?",
    ),
    setQuota: db.prepare<[string, number, number]>(
      "INSERT INTO quota_counters (counter, used, expires_at_ms) VALUES (?, ?, ?) ON CONFLICT (counter) DO UPDATE SET used = excluded.used, expires_at_ms = excluded.expires_at_ms",
    ),
    releaseQuota: db.prepare<[string, number]>(
      "UPDATE quota_counters SET used = used - 1 WHERE counter = ? AND used > 0 AND expires_at_ms > ?",
    ),
    deleteExpiredQuotas: db.prepare<[number]>("DELETE FROM quota_counters WHERE expires_at_ms <= ?"),

    getIdempotency: db.prepare<[string], IdempotencyRow>(
      "SELECT fingerprint, state, started_at_ms, expires_at_ms, result FROM idempotency WHERE key = ?",
    ),
    startIdempotency: db.prepare<[string, string, number, number]>(
      "INSERT OR REPLACE INTO idempotency (key, fingerprint, state, started_at_ms, expires_at_ms, result) VALUES (?, ?, 'started', ?, ?, NULL)",
    ),
    markIdempotencyUnknown: db.prepare<[string]>("UPDATE idempotency SET state = 'unknown' WHERE key = ?"),
    completeIdempotency: db.prepare<[string, string]>(
      "UPDATE idempotency SET state = 'completed', result = ? WHERE key = ?",
    ),
    abandonIdempotency: db.prepare<[string]>("DELETE FROM idempotency WHERE key = ? AND state <> 'completed'"),
    deleteExpiredIdempotency: db.prepare<[number]>("DELETE FROM idempotency WHERE expires_at_ms <= ?"),

    upsertSandboxMessage: db.prepare<[string, string, string, string, number, string, string]>(
      "INSERT OR REPLACE INTO sandbox_messages (inbox_id, id, folder, date, unread, data, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    listSandboxMessages: db.prepare<[string], SandboxMessageRow>(
      "SELECT inbox_id, id, folder, date, unread, data FROM sandbox_messages WHERE inbox_id = ?",
    ),
    listSandboxSummaries: db
      .prepare<[string], SandboxSummaryRow>(
        "SELECT inbox_id, id, folder, date, unread, summary FROM sandbox_messages WHERE inbox_id = ?",
      )
      .raw(true),
    listSandboxSummariesOfFolder: db
      .prepare<[string, string], SandboxSummaryRow>(
        "SELECT inbox_id, id, folder, date, unread, summary FROM sandbox_messages WHERE inbox_id = ? AND folder = ?",
      )
      .raw(true),
    getSandboxMessage: db.prepare<[string, string], SandboxMessageRow>(
      "SELECT inbox_id, id, folder, date, unread, data FROM sandbox_messages WHERE inbox_id = ? AND id = ?",
    ),
    deleteSandboxMessage: db.prepare<[string, string]>("DELETE FROM sandbox_messages WHERE inbox_id = ? AND id = ?"),
  };
}

class SqliteStore implements Store {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly hitRateWindowsAtomically: (keyId: string, windows: RateWindowMs[], nowMs: number) => RateDecision;
  private readonly consumeQuotaAtomically: (
    counter: string,
    limit: number,
    expiresAtMs: number,
    nowMs: number,
  ) => QuotaDecision;
  private readonly beginIdempotentAtomically: (
    key: string,
    fingerprint: string,
    nowMs: number,
    ttlMs: number,
    staleAfterMs: number,
  ) => IdempotencyBegin;
  private readonly removeInboxAtomically: (id: string) => boolean;
  private readonly updateWorkspaceLimitsAtomically: (
    id: string,
    change: WorkspaceLimitsChange,
  ) => WorkspaceRow | undefined;
  private readonly putSandboxMessagesAtomically: (messages: readonly SandboxMessage[]) => void;
  private readonly deleteSandboxMessagesAtomically: (inboxId: string, ids: readonly string[]) => void;
  private nextQuotaSweepAtMs = 0;
  private nextIdempotencySweepAtMs = 0;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {
    const statements = prepareStatements(db);
    this.statements = statements;

    // COUNT(*) in SQLite walks every counted row, so a window is judged from its limit-th newest hit
    // instead: the window is full exactly when that hit is still inside it, and then it is also the
    // (count-limit+1)-th oldest hit of the window, the last that must leave before a place frees.
    // The log's size (kept beside it) skips windows the whole log cannot fill, so the cost of a hit
    // is bounded by the limits it is near, not by how many hits the log holds.
    this.hitRateWindowsAtomically = immediate(
      db,
      (keyId: string, windows: RateWindowMs[], nowMs: number): RateDecision => {
        const pruned = statements.pruneRateHits.run(keyId, nowMs - longestWindowMs(windows)).changes;
        const size = (statements.getRateLogSize.get(keyId)?.size ?? 0) - pruned;
        let refusal: Extract<RateDecision, { allowed: false }> | undefined;
        for (const window of windows) {
          if (size < window.limit) continue;
          const lastToLeave = statements.nthNewestRateHit.get(keyId, window.limit - 1)?.at_ms;
          if (lastToLeave === undefined || lastToLeave <= nowMs - window.ms) continue;
          const retryAfterMs = lastToLeave + window.ms - nowMs;
          if (refusal === undefined || retryAfterMs > refusal.retryAfterMs) {
            refusal = { allowed: false, window: window.name, limit: window.limit, retryAfterMs };
          }
        }
        if (refusal === undefined) statements.insertRateHit.run(keyId, nowMs);
        const newSize = refusal === undefined ? size + 1 : size;
        if (pruned > 0 || refusal === undefined) statements.setRateLogSize.run(keyId, newSize);
        return refusal ?? { allowed: true };
      },
    );

    this.consumeQuotaAtomically = immediate(
      db,
      (counter: string, limit: number, expiresAtMs: number, nowMs: number): QuotaDecision => {
        const row = statements.getQuota.get(counter);
        const used = row !== undefined && row.expires_at_ms > nowMs ? row.used : 0;
        if (used >= limit) return { allowed: false, used };
        statements.setQuota.run(counter, used + 1, expiresAtMs);
        return { allowed: true, used: used + 1 };
      },
    );

    this.beginIdempotentAtomically = immediate(
      db,
      (key: string, fingerprint: string, nowMs: number, ttlMs: number, staleAfterMs: number): IdempotencyBegin => {
        const row = statements.getIdempotency.get(key);
        if (row === undefined || row.expires_at_ms <= nowMs) {
          statements.startIdempotency.run(key, fingerprint, nowMs, nowMs + ttlMs);
          return { state: "started" };
        }
        if (row.fingerprint !== fingerprint) return { state: "mismatch" };
        if (row.state === "completed")
          return { state: "completed", result: JSON.parse(row.result ?? "null") as unknown };
        if (row.state === "unknown") return { state: "unknown" };
        if (nowMs - row.started_at_ms > staleAfterMs) {
          statements.markIdempotencyUnknown.run(key);
          return { state: "unknown" };
        }
        return { state: "in_progress" };
      },
    );

    this.updateWorkspaceLimitsAtomically = immediate(db, (id: string, change: WorkspaceLimitsChange) => {
      if (statements.getWorkspace.get(id) === undefined) return undefined;
      if (change.sendsPerDayOverride !== undefined)
        statements.setSendsPerDayOverride.run(change.sendsPerDayOverride, id);
      if (change.callsPerMonthOverride !== undefined)
        statements.setCallsPerMonthOverride.run(change.callsPerMonthOverride, id);
      if (change.rateLimitsOverride !== undefined)
        statements.setRateLimitsOverride.run(
          change.rateLimitsOverride === null ? null : JSON.stringify(change.rateLimitsOverride),
          id,
        );
      return statements.getWorkspace.get(id);
    });

    this.removeInboxAtomically = immediate(db, (id: string): boolean => {
      statements.deleteSandboxMessagesOfInbox.run(id);
      return statements.deleteInbox.run(id).changes > 0;
    });

    this.deleteSandboxMessagesAtomically = immediate(db, (inboxId: string, ids: readonly string[]): void => {
      for (const id of ids) statements.deleteSandboxMessage.run(inboxId, id);
    });
    this.putSandboxMessagesAtomically = immediate(db, (messages: readonly SandboxMessage[]): void => {
      for (const message of messages) {
        statements.upsertSandboxMessage.run(
          message.inboxId,
          message.id,
          message.folder,
          message.date,
          message.unread ? 1 : 0,
          JSON.stringify(message.data),
          JSON.stringify(sandboxSummaryData(message.data)),
        );
      }
    });
  }

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
    this.statements.insertWorkspace.run(
      workspace.id,
      workspace.name,
      workspace.plan,
      workspace.sendsPerDayOverride,
      workspace.createdAt,
    );
    return workspace;
  }

  async getWorkspace(id: string): Promise<Workspace | undefined> {
    const row = this.statements.getWorkspace.get(id);
    return row && workspaceFromRow(row);
  }

  async listWorkspaces(): Promise<Workspace[]> {
    return this.statements.listWorkspaces.all().map(workspaceFromRow);
  }

  async updateWorkspaceLimits(id: string, change: WorkspaceLimitsChange): Promise<Workspace | undefined> {
    const row = this.updateWorkspaceLimitsAtomically(id, change);
    return row && workspaceFromRow(row);
  }

  async createApiKey(record: Omit<ApiKeyRecord, "createdAt" | "revokedAt">): Promise<ApiKeyRecord> {
    const created: ApiKeyRecord = {
      ...record,
      scopes: [...record.scopes],
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    this.statements.insertApiKey.run(
      created.id,
      created.workspaceId,
      created.mode,
      JSON.stringify(created.scopes),
      created.hash,
      created.hint,
      created.name,
      created.createdAt,
    );
    return created;
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.statements.findApiKeyByHash.get(hash);
    return row && apiKeyFromRow(row);
  }

  async listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]> {
    return this.statements.listApiKeys.all(workspaceId).map(apiKeyFromRow);
  }

  async revokeApiKey(id: string): Promise<boolean> {
    return this.statements.revokeApiKey.run(new Date().toISOString(), id).changes > 0;
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
    const sealedSecret = inbox.secret === null ? null : this.secrets.seal(inbox.secret, inboxSecretContext(inbox.id));
    this.statements.insertInbox.run(
      inbox.id,
      inbox.workspaceId,
      inbox.mode,
      inbox.kind,
      JSON.stringify(inbox.addresses),
      sealedSecret,
      inbox.createdAt,
    );
    return inbox;
  }

  async getInbox(id: string): Promise<InboxRecord | undefined> {
    const row = this.statements.getInbox.get(id);
    return row && this.inboxFromRow(row);
  }

  async listInboxes(workspaceId?: string): Promise<InboxRecord[]> {
    const rows =
      workspaceId === undefined
        ? this.statements.listAllInboxes.all()
        : this.statements.listInboxesOfWorkspace.all(workspaceId);
    return rows.map((row) => this.inboxFromRow(row));
  }

  async updateInboxSecret(id: string, secret: string): Promise<boolean> {
    return this.statements.updateInboxSecret.run(this.secrets.seal(secret, inboxSecretContext(id)), id).changes > 0;
  }

  async removeInbox(id: string): Promise<boolean> {
    return this.removeInboxAtomically(id);
  }

  async hitRateWindows(keyId: string, windows: readonly RateWindow[], nowMs: number): Promise<RateDecision> {
    return this.hitRateWindowsAtomically(keyId, rateWindowsInMs(windows), nowMs);
  }

  async consumeQuota(counter: string, limit: number, expiresAtMs: number): Promise<QuotaDecision> {
    const nowMs = Date.now();
    if (nowMs >= this.nextQuotaSweepAtMs) {
      this.nextQuotaSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
      this.statements.deleteExpiredQuotas.run(nowMs);
    }
    return this.consumeQuotaAtomically(counter, limit, expiresAtMs, nowMs);
  }

  async releaseQuota(counter: string): Promise<void> {
    this.statements.releaseQuota.run(counter, Date.now());
  }

  async beginIdempotent(
    key: string,
    fingerprint: string,
    options: { nowMs: number; ttlMs: number; staleAfterMs: number },
  ): Promise<IdempotencyBegin> {
    const wallClockMs = Date.now();
    if (wallClockMs >= this.nextIdempotencySweepAtMs) {
      this.nextIdempotencySweepAtMs = wallClockMs + SWEEP_INTERVAL_MS;
      this.statements.deleteExpiredIdempotency.run(options.nowMs);
    }
    return this.beginIdempotentAtomically(key, fingerprint, options.nowMs, options.ttlMs, options.staleAfterMs);
  }

  async completeIdempotent(key: string, result: unknown): Promise<void> {
    this.statements.completeIdempotency.run(JSON.stringify(result ?? null), key);
  }

  async abandonIdempotent(key: string): Promise<void> {
    this.statements.abandonIdempotency.run(key);
  }

  async putSandboxMessages(messages: readonly SandboxMessage[]): Promise<void> {
    this.putSandboxMessagesAtomically(messages);
  }

  async listSandboxMessages(inboxId: string): Promise<SandboxMessage[]> {
    return sortNewestMessageFirst(this.statements.listSandboxMessages.all(inboxId).map(sandboxMessageFromRow));
  }

  async listSandboxSummaries(inboxId: string, folder?: string): Promise<SandboxMessage[]> {
    const rows =
      folder === undefined
        ? this.statements.listSandboxSummaries.all(inboxId)
        : this.statements.listSandboxSummariesOfFolder.all(inboxId, folder);
    return sortNewestMessageFirst(rows.map(sandboxSummaryFromRow));
  }

  async getSandboxMessage(inboxId: string, id: string): Promise<SandboxMessage | undefined> {
    const row = this.statements.getSandboxMessage.get(inboxId, id);
    return row && sandboxMessageFromRow(row);
  }

  async deleteSandboxMessages(inboxId: string, ids: readonly string[]): Promise<void> {
    this.deleteSandboxMessagesAtomically(inboxId, ids);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private inboxFromRow(row: InboxRow): InboxRecord {
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      mode: row.mode as KeyMode,
      kind: row.kind as InboxKind,
      addresses: JSON.parse(row.addresses) as string[],
      secret: row.sealed_secret === null ? null : this.secrets.open(row.sealed_secret, inboxSecretContext(row.id)),
      createdAt: row.created_at,
    };
  }
}

/** Wraps fn in BEGIN IMMEDIATE ... COMMIT (rolled back when fn throws). */
function immediate<A extends unknown[], R>(db: Database, fn: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(fn);
  return (...args: A) => transaction.immediate(...args);
}

function workspaceFromRow(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan as PlanId,
    sendsPerDayOverride: row.sends_per_day_override,
    callsPerMonthOverride: row.calls_per_month_override,
    rateLimitsOverride:
      row.rate_limits_override === null ? null : (JSON.parse(row.rate_limits_override) as RateLimitsOverride),
    createdAt: row.created_at,
  };
}

function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    mode: row.mode as KeyMode,
    scopes: JSON.parse(row.scopes) as Scope[],
    hash: row.hash,
    hint: row.hint,
    name: row.name,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function sandboxSummaryFromRow([inboxId, id, folder, date, unread, summary]: SandboxSummaryRow): SandboxMessage {
  return { inboxId, id, folder, date, unread: unread === 1, data: JSON.parse(summary) as unknown };
}

function sandboxMessageFromRow(row: SandboxMessageRow): SandboxMessage {
  return {
    inboxId: row.inbox_id,
    id: row.id,
    folder: row.folder,
    date: row.date,
    unread: row.unread === 1,
    data: JSON.parse(row.data) as unknown,
  };
}

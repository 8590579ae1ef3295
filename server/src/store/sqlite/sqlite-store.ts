// The embedded default adapter of the Store port: one SQLite file in the data directory. Decisions
// that must hold across processes (rate windows, quotas, idempotency) read and write inside one
// IMMEDIATE transaction: it takes the file's write lock before reading, so two processes on the
// same file cannot both see the last free unit.
import { randomUUID } from "node:crypto";
import type { Database } from "better-sqlite3";
import type { KeyMode, PlanId, Scope } from "@mcpemails/generated";
import { messageTime, sortNewestMessageFirst } from "../listing-order.js";
import { longestWindowMs, rateWindowsInMs, type RateWindowMs } from "../rate-windows.js";
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
  Admission,
  QuotaCharge,
  QuotaDecision,
  RateDecision,
  RateWindow,
  RefreshTokenRecord,
  SandboxMessage,
  SandboxPageQuery,
  SandboxSummaryPage,
  RateLimitsOverride,
  SessionRecord,
  SendDecisionEntry,
  HeldTool,
  NewSendHold,
  SendHold,
  SendHoldOutcome,
  SendHoldStatus,
  WaitingHoldStatus,
  DueSendHold,
  Store,
  StoredActivityEntry,
  StoredSendDecision,
  UsageCount,
  UserRecord,
  Workspace,
  WorkspaceLimitsChange,
} from "../store.js";
import {
  ACTIVITY_LOG_CAPACITY,
  AUTHORIZATION_CODE_MEMORY_MS,
  CORRESPONDENT_SIGHTINGS_MAX,
  SEND_HOLD_CAPACITY,
  SEND_LOG_CAPACITY,
  sandboxSummaryData,
  usageMonth,
  userEmailKey,
} from "../store.js";
import { storedSendPolicy, type SendPolicy } from "../../send-policy/send-policy.js";
import { openDatabase } from "./open-database.js";

export interface SqliteStoreOptions {
  /** MCPEMAILS_DATA_DIR: holds mcpemails.db (and secret.key when the key is generated). */
  dataDir: string;
  /** 32 bytes; when absent, resolveSecretKey finds it (MCPEMAILS_SECRET_KEY or <dataDir>/secret.key). */
  secretKey?: Buffer;
  /** How many activity entries each workspace keeps (ACTIVITY_LOG_CAPACITY); tests lower it. */
  activityLogCapacity?: number;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const secrets = createSecretBox(options.secretKey ?? resolveSecretKey({ dataDir: options.dataDir }));
  return new SqliteStore(
    openDatabase(options.dataDir),
    secrets,
    activityLogCapacity(options.activityLogCapacity ?? ACTIVITY_LOG_CAPACITY),
  );
}

function activityLogCapacity(capacity: number): number {
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new RangeError(`the activity log capacity must be a positive integer, got ${capacity}`);
  return capacity;
}

interface SendHoldRow {
  workspace_id: string;
  id: string;
  inbox_id: string;
  key_id: string;
  tool: string;
  sealed_args: string;
  recipients: string;
  held_at: string;
  send_at: string | null;
  status: string;
  decided_at: string | null;
  decided_by: string | null;
  outcome: string | null;
}

interface WorkspaceRow {
  id: string;
  name: string;
  plan: string;
  sends_per_day_override: number | null;
  calls_per_month_override: number | null;
  rate_limits_override: string | null;
  send_policy: string | null;
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
  inbox_ids: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  send_policy: string | null;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: string;
}

interface MembershipRow {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  workspace_id: string;
  created_at: string;
  expires_at_ms: number;
}

interface InviteRow {
  id: string;
  workspace_id: string | null;
  role: string;
  created_at: string;
  expires_at_ms: number;
}

interface ActivityRow {
  workspace_id: string;
  seq: number;
  at: string;
  key_id: string;
  tool: string;
  inbox_id: string | null;
  outcome: string;
  duration_ms: number;
}

interface ActivityFilter {
  workspaceId: string;
  beforeSeq: number;
  keyId: string | null;
  tool: string | null;
  outcome: string | null;
  limit: number;
}

interface InboxRow {
  id: string;
  workspace_id: string;
  mode: string;
  kind: string;
  addresses: string;
  sealed_secret: string | null;
  require_approval: number;
  created_at: string;
}

interface CorrespondentRow {
  address: string;
  first_received_at_ms: number | null;
  written_to: number;
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

interface SandboxPageFilter {
  inboxId: string;
  folder: string;
  unreadOnly: 0 | 1;
  limit: number;
  offset: number;
}

/** A row of pageSandboxSummaries, as an array: id, date, unread, summary (the inbox and folder are the filter's). */
type SandboxPageRow = [string, string, number, string];

/** A row of listSandboxSummaries, as an array (raw mode: no object per row): inbox_id, id, folder, date, unread, summary. */
type SandboxSummaryRow = [string, string, string, string, number, string];

interface OAuthClientRow {
  id: string;
  name: string;
  redirect_uris: string;
  source: string;
  created_at: string;
}

interface OAuthGrantRow {
  id: string;
  workspace_id: string;
  user_id: string;
  client_id: string;
  mode: string;
  inbox_ids: string;
  scopes: string;
  resource: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Codes and tokens: the record as JSON, with the one field that changes (used, rotated) beside it. */
interface OneUseRow {
  record: string;
  used_at: string | null;
}

/** Expired quota counters, idempotency records, sessions and invites are swept at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

const SEALED_STAMP_SQL = "mcpe_sealed_stamp";

function prepareStatements(db: Database) {
  // InboxRecord.secretStamp in SQL, for updateInboxSecret's ifStamp (each connection defines its own).
  db.function(SEALED_STAMP_SQL, { deterministic: true }, (sealed: unknown) =>
    typeof sealed === "string" ? sealedStamp(sealed) : null,
  );
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
    setWorkspaceSendPolicy: db.prepare<[string | null, string]>("UPDATE workspaces SET send_policy = ? WHERE id = ?"),
    setApiKeySendPolicy: db.prepare<[string | null, string]>("UPDATE api_keys SET send_policy = ? WHERE id = ?"),
    lastSendDecisionSeq: db
      .prepare<[string], number | null>("SELECT MAX(seq) FROM send_decisions WHERE workspace_id = ?")
      .pluck(),
    insertSendDecision: db.prepare<[string, number, string]>(
      "INSERT INTO send_decisions (workspace_id, seq, entry) VALUES (?, ?, ?)",
    ),
    trimSendDecisions: db.prepare<[string, number]>("DELETE FROM send_decisions WHERE workspace_id = ? AND seq <= ?"),
    listSendDecisions: db.prepare<[string, number, number], { seq: number; entry: string }>(
      "SELECT seq, entry FROM send_decisions WHERE workspace_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
    ),
    insertSendHold: db.prepare<[string, string, string, string, string, string, string, string, string | null, string]>(
      "INSERT INTO send_holds (workspace_id, id, inbox_id, key_id, tool, sealed_args, recipients, held_at, send_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    trimSendHolds: db.prepare<[string, string, number]>(
      `DELETE FROM send_holds WHERE workspace_id = ? AND id IN (
         SELECT id FROM send_holds WHERE workspace_id = ? AND status IN ('sent', 'rejected', 'cancelled', 'failed')
         ORDER BY held_at DESC, id DESC LIMIT -1 OFFSET ?)`,
    ),
    getSendHold: db.prepare<[string, string], SendHoldRow>(
      "SELECT * FROM send_holds WHERE workspace_id = ? AND id = ?",
    ),
    listSendHolds: db.prepare<[string, number], SendHoldRow>(
      "SELECT * FROM send_holds WHERE workspace_id = ? ORDER BY held_at DESC, id DESC LIMIT ?",
    ),
    decideSendHold: db.prepare<[string, string, string, string, string, string]>(
      "UPDATE send_holds SET status = ?, decided_by = ?, decided_at = ? WHERE workspace_id = ? AND id = ? AND status = ?",
    ),
    listDueSendHolds: db.prepare<[string, number], { workspace_id: string; id: string }>(
      "SELECT workspace_id, id FROM send_holds WHERE status = 'scheduled' AND send_at <= ? ORDER BY send_at LIMIT ?",
    ),
    finishSendHold: db.prepare<[string, string, string, string]>(
      "UPDATE send_holds SET status = ?, outcome = ? WHERE workspace_id = ? AND id = ? AND status = 'sending'",
    ),

    insertApiKey: db.prepare<[string, string, string, string, string, string, string | null, string | null, string]>(
      "INSERT INTO api_keys (id, workspace_id, mode, scopes, hash, hint, name, inbox_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    findApiKeyByHash: db.prepare<[string], ApiKeyRow>("SELECT * FROM api_keys WHERE hash = ?"),
    listApiKeys: db.prepare<[string], ApiKeyRow>(
      "SELECT * FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id",
    ),
    // The first revocation time stands; revoking again only confirms that the key exists.
    getConfigVersion: db.prepare<[], { version: number }>("SELECT version FROM config_version WHERE id = 1"),
    raiseConfigVersion: db.prepare("UPDATE config_version SET version = version + 1 WHERE id = 1"),
    revokeApiKey: db.prepare<[string, string]>("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"),
    // Instances may report calls out of order: the latest use stands.
    touchApiKey: db.prepare<[string, string, string]>(
      "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
    ),

    setInboxRequireApproval: db.prepare<[number, string]>("UPDATE inboxes SET require_approval = ? WHERE id = ?"),
    insertInbox: db.prepare<[string, string, string, string, string, string | null, string, number]>(
      "INSERT INTO inboxes (id, workspace_id, mode, kind, addresses, sealed_secret, created_at, require_approval) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    getInbox: db.prepare<[string], InboxRow>("SELECT * FROM inboxes WHERE id = ?"),
    listAllInboxes: db.prepare<[], InboxRow>("SELECT * FROM inboxes ORDER BY created_at, id"),
    listInboxesOfWorkspace: db.prepare<[string], InboxRow>(
      "SELECT * FROM inboxes WHERE workspace_id = ? ORDER BY created_at, id",
    ),
    updateInboxSecret: db.prepare<[string, string]>("UPDATE inboxes SET sealed_secret = ? WHERE id = ?"),
    updateInboxSecretIfStamp: db.prepare<[string, string, string | null]>(
      `UPDATE inboxes SET sealed_secret = ? WHERE id = ? AND ${SEALED_STAMP_SQL}(sealed_secret) IS ?`,
    ),
    deleteInbox: db.prepare<[string]>("DELETE FROM inboxes WHERE id = ?"),
    deleteSandboxMessagesOfInbox: db.prepare<[string]>("DELETE FROM sandbox_messages WHERE inbox_id = ?"),

    // Per address: the earliest non-null date received kept, written_to once 1 stays 1.
    observeCorrespondent: db.prepare<[string, string, number | null, number]>(
      `INSERT INTO correspondents (inbox_id, address, first_received_at_ms, written_to) VALUES (?, ?, ?, ?)
        ON CONFLICT (inbox_id, address) DO UPDATE SET
          first_received_at_ms = CASE
            WHEN excluded.first_received_at_ms IS NULL THEN first_received_at_ms
            WHEN first_received_at_ms IS NULL THEN excluded.first_received_at_ms
            ELSE MIN(first_received_at_ms, excluded.first_received_at_ms)
          END,
          written_to = MAX(written_to, excluded.written_to)`,
    ),
    getCorrespondent: db.prepare<[string, string], CorrespondentRow>(
      "SELECT address, first_received_at_ms, written_to FROM correspondents WHERE inbox_id = ? AND address = ?",
    ),
    correspondentsLearned: db
      .prepare<[string], number>("SELECT COUNT(*) FROM correspondents_learned WHERE inbox_id = ?")
      .pluck(),
    markCorrespondentsLearned: db.prepare<[string, string]>(
      "INSERT INTO correspondents_learned (inbox_id, learned_at) VALUES (?, ?) ON CONFLICT (inbox_id) DO NOTHING",
    ),
    deleteCorrespondentsOfInbox: db.prepare<[string]>("DELETE FROM correspondents WHERE inbox_id = ?"),
    deleteCorrespondentsLearnedOfInbox: db.prepare<[string]>("DELETE FROM correspondents_learned WHERE inbox_id = ?"),

    pruneRateHits: db.prepare<[string, number]>("DELETE FROM rate_hits WHERE key_id = ? AND at_ms <= ?"),
    getRateLogSize: db.prepare<[string], { size: number }>("SELECT size FROM rate_log_sizes WHERE key_id = ?"),
    setRateLogSize: db.prepare<[string, number]>(
      "INSERT INTO rate_log_sizes (key_id, size) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET size = excluded.size",
    ),
    nthNewestRateHit: db.prepare<[string, number], { at_ms: number }>(
      "SELECT at_ms FROM rate_hits WHERE key_id = ? ORDER BY at_ms DESC LIMIT 1 OFFSET ?",
    ),
    insertRateHit: db.prepare<{ keyId: string; atMs: number }>(
      "INSERT INTO rate_hits (key_id, at_ms, n) VALUES (@keyId, @atMs, (SELECT COUNT(*) FROM rate_hits WHERE key_id = @keyId AND at_ms = @atMs))",
    ),

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

    insertUser: db.prepare<[string, string, string, string, string]>(
      "INSERT INTO users (id, email, email_lower, password_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (email_lower) DO NOTHING",
    ),
    getUser: db.prepare<[string], UserRow>("SELECT id, email, password_hash, created_at FROM users WHERE id = ?"),
    findUserByEmail: db.prepare<[string], UserRow>(
      "SELECT id, email, password_hash, created_at FROM users WHERE email_lower = ?",
    ),
    countUsers: db.prepare<[], number>("SELECT COUNT(*) FROM users").pluck(),

    // A membership put again keeps its creation time: it orders the lists.
    putMembership: db.prepare<[string, string, string, string], MembershipRow>(
      "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role RETURNING *",
    ),
    listMembershipsOfUser: db.prepare<[string], MembershipRow>(
      "SELECT * FROM memberships WHERE user_id = ? ORDER BY created_at, workspace_id",
    ),
    listMembersOfWorkspace: db.prepare<[string], MembershipRow>(
      "SELECT * FROM memberships WHERE workspace_id = ? ORDER BY created_at, user_id",
    ),
    deleteMembership: db.prepare<[string, string]>("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?"),

    insertSession: db.prepare<[string, string, string, string, number]>(
      "INSERT INTO sessions (id, user_id, workspace_id, created_at, expires_at_ms) VALUES (?, ?, ?, ?, ?)",
    ),
    getSession: db.prepare<[string], SessionRow>("SELECT * FROM sessions WHERE id = ?"),
    switchSessionWorkspace: db.prepare<[string, string, number]>(
      "UPDATE sessions SET workspace_id = ? WHERE id = ? AND expires_at_ms > ?",
    ),
    deleteSession: db.prepare<[string]>("DELETE FROM sessions WHERE id = ?"),
    deleteSessionsOfUser: db.prepare<[string]>("DELETE FROM sessions WHERE user_id = ?"),
    deleteExpiredSessions: db.prepare<[number]>("DELETE FROM sessions WHERE expires_at_ms <= ?"),

    insertInvite: db.prepare<[string, string | null, string, string, number]>(
      "INSERT INTO invites (id, workspace_id, role, created_at, expires_at_ms) VALUES (?, ?, ?, ?, ?)",
    ),
    // One statement takes and deletes, so two takers cannot both get the invite.
    takeInvite: db.prepare<[string], InviteRow>("DELETE FROM invites WHERE id = ? RETURNING *"),
    deleteExpiredInvites: db.prepare<[number]>("DELETE FROM invites WHERE expires_at_ms <= ?"),

    lastActivitySeq: db
      .prepare<[string], number | null>("SELECT MAX(seq) FROM activity WHERE workspace_id = ?")
      .pluck(),
    insertActivity: db.prepare<[string, number, string, string, string, string | null, string, number]>(
      "INSERT INTO activity (workspace_id, seq, at, key_id, tool, inbox_id, outcome, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    trimActivity: db.prepare<[string, number]>("DELETE FROM activity WHERE workspace_id = ? AND seq <= ?"),
    countUsage: db.prepare<[string, string, string, string, string]>(
      "INSERT INTO usage_counts (workspace_id, month, key_id, tool, outcome, count) VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (workspace_id, month, key_id, tool, outcome) DO UPDATE SET count = count + 1",
    ),
    listActivity: db.prepare<[ActivityFilter], ActivityRow>(
      `SELECT * FROM activity WHERE workspace_id = @workspaceId AND seq < @beforeSeq
        AND (@keyId IS NULL OR key_id = @keyId) AND (@tool IS NULL OR tool = @tool) AND (@outcome IS NULL OR outcome = @outcome)
        ORDER BY seq DESC LIMIT @limit`,
    ),
    usageOfMonth: db.prepare<[string, string], UsageCount>(
      "SELECT key_id AS keyId, tool, outcome, count FROM usage_counts WHERE workspace_id = ? AND month = ? ORDER BY key_id, tool, outcome",
    ),

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

    upsertSandboxMessage: db.prepare<[string, string, string, string, number | null, number, string, string]>(
      "INSERT OR REPLACE INTO sandbox_messages (inbox_id, id, folder, date, received_ms, unread, data, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
    // Both walk the index sandbox_messages_listing in its order; only the page's rows are read from the table.
    pageSandboxSummaries: db
      .prepare<[SandboxPageFilter], SandboxPageRow>(
        `SELECT id, date, unread, summary FROM sandbox_messages
          WHERE inbox_id = @inboxId AND folder = @folder AND (@unreadOnly = 0 OR unread = 1)
          ORDER BY received_ms DESC, id LIMIT @limit OFFSET @offset`,
      )
      .raw(true),
    countSandboxSummaries: db
      .prepare<[Omit<SandboxPageFilter, "limit" | "offset">], number>(
        "SELECT COUNT(*) FROM sandbox_messages WHERE inbox_id = @inboxId AND folder = @folder AND (@unreadOnly = 0 OR unread = 1)",
      )
      .pluck(),
    getSandboxMessage: db.prepare<[string, string], SandboxMessageRow>(
      "SELECT inbox_id, id, folder, date, unread, data FROM sandbox_messages WHERE inbox_id = ? AND id = ?",
    ),
    deleteSandboxMessage: db.prepare<[string, string]>("DELETE FROM sandbox_messages WHERE inbox_id = ? AND id = ?"),

    putOAuthClient: db.prepare<[string, string, string, string, string]>(
      "INSERT OR REPLACE INTO oauth_clients (id, name, redirect_uris, source, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    getOAuthClient: db.prepare<[string], OAuthClientRow>("SELECT * FROM oauth_clients WHERE id = ?"),

    insertOAuthCode: db.prepare<[string, string, number]>(
      "INSERT INTO oauth_codes (id, record, forget_at_ms) VALUES (?, ?, ?)",
    ),
    getOAuthCode: db.prepare<[string, number], OneUseRow>(
      "SELECT record, used_at FROM oauth_codes WHERE id = ? AND forget_at_ms > ?",
    ),
    useOAuthCode: db.prepare<[string, string, number]>(
      "UPDATE oauth_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND forget_at_ms > ?",
    ),
    deleteForgottenOAuthCodes: db.prepare<[number]>("DELETE FROM oauth_codes WHERE forget_at_ms <= ?"),

    insertOAuthGrant: db.prepare<[string, string, string, string, string, string, string, string, string]>(
      "INSERT INTO oauth_grants (id, workspace_id, user_id, client_id, mode, inbox_ids, scopes, resource, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    getOAuthGrant: db.prepare<[string], OAuthGrantRow>("SELECT * FROM oauth_grants WHERE id = ?"),
    listOAuthGrants: db.prepare<[string], OAuthGrantRow>(
      "SELECT * FROM oauth_grants WHERE workspace_id = ? ORDER BY created_at, id",
    ),
    revokeOAuthGrant: db.prepare<[string, string]>(
      "UPDATE oauth_grants SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
    ),
    touchOAuthGrant: db.prepare<[string, string, string]>(
      "UPDATE oauth_grants SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
    ),

    insertRefreshToken: db.prepare<[string, string, number]>(
      "INSERT INTO oauth_refresh_tokens (id, record, expires_at_ms) VALUES (?, ?, ?)",
    ),
    getRefreshToken: db.prepare<[string, number], OneUseRow>(
      "SELECT record, rotated_at AS used_at FROM oauth_refresh_tokens WHERE id = ? AND expires_at_ms > ?",
    ),
    rotateRefreshToken: db.prepare<[string, string]>(
      "UPDATE oauth_refresh_tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL",
    ),
    deleteExpiredRefreshTokens: db.prepare<[number]>("DELETE FROM oauth_refresh_tokens WHERE expires_at_ms <= ?"),

    insertAccessToken: db.prepare<[string, string, number]>(
      "INSERT INTO oauth_access_tokens (id, record, expires_at_ms) VALUES (?, ?, ?)",
    ),
    getAccessToken: db.prepare<[string, number], OneUseRow>(
      "SELECT record, NULL AS used_at FROM oauth_access_tokens WHERE id = ? AND expires_at_ms > ?",
    ),
    deleteAccessToken: db.prepare<[string]>("DELETE FROM oauth_access_tokens WHERE id = ?"),
    deleteExpiredAccessTokens: db.prepare<[number]>("DELETE FROM oauth_access_tokens WHERE expires_at_ms <= ?"),
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
  private readonly changeConfigAtomically: (change: () => number) => number;
  private readonly admitCallAtomically: (
    keyId: string,
    windows: RateWindowMs[],
    nowMs: number,
    charge: QuotaCharge | null,
    wallMs: number,
  ) => Admission;
  private readonly updateWorkspaceLimitsAtomically: (
    id: string,
    change: WorkspaceLimitsChange,
  ) => WorkspaceRow | undefined;
  private readonly putSandboxMessagesAtomically: (messages: readonly SandboxMessage[]) => void;
  private readonly deleteSandboxMessagesAtomically: (inboxId: string, ids: readonly string[]) => void;
  private readonly pageSandboxSummariesConsistently: (filter: SandboxPageFilter) => SandboxSummaryPage;
  private readonly recordActivitiesAtomically: (entries: readonly ActivityEntry[]) => void;
  private readonly recordSendDecisionAtomically: (entry: SendDecisionEntry) => void;
  private readonly createSendHoldAtomically: (hold: NewSendHold, sealedArgs: string) => void;
  private readonly observeCorrespondentsAtomically: (
    inboxId: string,
    sightings: readonly CorrespondentSighting[],
    asked: readonly string[],
  ) => { learned: boolean; known: Correspondent[] };
  private pendingActivity: { entry: ActivityEntry; written: () => void; failed: (error: unknown) => void }[] = [];
  private nextQuotaSweepAtMs = 0;
  private nextIdempotencySweepAtMs = 0;
  private nextSessionSweepAtMs = 0;
  private nextInviteSweepAtMs = 0;
  private nextOAuthSweepAtMs = 0;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    activityLogCapacity: number,
  ) {
    const statements = prepareStatements(db);
    this.statements = statements;

    // COUNT(*) in SQLite walks every counted row, so a window is judged from its limit-th newest hit
    // instead: the window is full exactly when that hit is still inside it, and then it is also the
    // (count-limit+1)-th oldest hit of the window, the last that must leave before a place frees.
    // The log's size (kept beside it) skips windows the whole log cannot fill, so the cost of a hit
    // is bounded by the limits it is near, not by how many hits the log holds.
    const hitRateWindows = (keyId: string, windows: RateWindowMs[], nowMs: number): RateDecision => {
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
      if (refusal === undefined) statements.insertRateHit.run({ keyId, atMs: nowMs });
      const newSize = refusal === undefined ? size + 1 : size;
      if (pruned > 0 || refusal === undefined) statements.setRateLogSize.run(keyId, newSize);
      return refusal ?? { allowed: true };
    };
    this.hitRateWindowsAtomically = immediate(db, hitRateWindows);

    const consumeQuota = (counter: string, limit: number, expiresAtMs: number, nowMs: number): QuotaDecision => {
      const row = statements.getQuota.get(counter);
      const used = row !== undefined && row.expires_at_ms > nowMs ? row.used : 0;
      if (used >= limit) return { allowed: false, used };
      statements.setQuota.run(counter, used + 1, expiresAtMs);
      return { allowed: true, used: used + 1 };
    };
    this.consumeQuotaAtomically = immediate(db, consumeQuota);

    // One transaction, one commit: the hot path's writes of a call.
    this.admitCallAtomically = immediate(
      db,
      (keyId: string, windows: RateWindowMs[], nowMs: number, charge: QuotaCharge | null, wallMs: number) => {
        const rate = hitRateWindows(keyId, windows, nowMs);
        if (!rate.allowed || charge === null) return { rate, quota: null };
        return { rate, quota: consumeQuota(charge.counter, charge.limit, charge.expiresAtMs, wallMs) };
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
      if (change.sendPolicy !== undefined)
        statements.setWorkspaceSendPolicy.run(
          change.sendPolicy === null ? null : JSON.stringify(change.sendPolicy),
          id,
        );
      statements.raiseConfigVersion.run();
      return statements.getWorkspace.get(id);
    });

    this.removeInboxAtomically = immediate(db, (id: string): boolean => {
      statements.deleteSandboxMessagesOfInbox.run(id);
      statements.deleteCorrespondentsOfInbox.run(id);
      statements.deleteCorrespondentsLearnedOfInbox.run(id);
      const removed = statements.deleteInbox.run(id).changes > 0;
      if (removed) statements.raiseConfigVersion.run();
      return removed;
    });

    // A change (returning the rows it changed) and, when it changed any, the configuration version.
    this.changeConfigAtomically = immediate(db, (change: () => number): number => {
      const changes = change();
      if (changes > 0) statements.raiseConfigVersion.run();
      return changes;
    });

    // Seqs are consecutive per workspace, so the newest activityLogCapacity are those above seq - capacity.
    this.recordActivitiesAtomically = immediate(db, (entries: readonly ActivityEntry[]): void => {
      for (const entry of entries) {
        const seq = (statements.lastActivitySeq.get(entry.workspaceId) ?? 0) + 1;
        statements.insertActivity.run(
          entry.workspaceId,
          seq,
          entry.at,
          entry.keyId,
          entry.tool,
          entry.inboxId,
          entry.outcome,
          entry.durationMs,
        );
        statements.trimActivity.run(entry.workspaceId, seq - activityLogCapacity);
        statements.countUsage.run(entry.workspaceId, usageMonth(entry.at), entry.keyId, entry.tool, entry.outcome);
      }
    });

    this.recordSendDecisionAtomically = immediate(db, (entry: SendDecisionEntry): void => {
      const seq = (statements.lastSendDecisionSeq.get(entry.workspaceId) ?? 0) + 1;
      statements.insertSendDecision.run(entry.workspaceId, seq, JSON.stringify(entry));
      statements.trimSendDecisions.run(entry.workspaceId, seq - SEND_LOG_CAPACITY);
    });

    this.createSendHoldAtomically = immediate(db, (hold: NewSendHold, sealedArgs: string): void => {
      statements.insertSendHold.run(
        hold.workspaceId,
        hold.id,
        hold.inboxId,
        hold.keyId,
        hold.tool,
        sealedArgs,
        JSON.stringify(hold.recipients),
        hold.heldAt,
        hold.sendAt,
        hold.sendAt === null ? "pending_approval" : "scheduled",
      );
      statements.trimSendHolds.run(hold.workspaceId, hold.workspaceId, SEND_HOLD_CAPACITY);
    });

    // Inbox ids are unique across workspaces, so the rows are keyed by the inbox alone.
    this.observeCorrespondentsAtomically = immediate(
      db,
      (inboxId: string, sightings: readonly CorrespondentSighting[], asked: readonly string[]) => {
        for (const sighting of sightings.slice(0, CORRESPONDENT_SIGHTINGS_MAX)) {
          statements.observeCorrespondent.run(
            inboxId,
            sighting.address,
            sighting.receivedAtMs,
            sighting.writtenTo ? 1 : 0,
          );
        }
        const known: Correspondent[] = [];
        for (const address of new Set(asked)) {
          const row = statements.getCorrespondent.get(inboxId, address);
          if (row !== undefined)
            known.push({
              address: row.address,
              firstReceivedAtMs: row.first_received_at_ms,
              writtenTo: row.written_to === 1,
            });
        }
        return { learned: (statements.correspondentsLearned.get(inboxId) ?? 0) > 0, known };
      },
    );

    this.deleteSandboxMessagesAtomically = immediate(db, (inboxId: string, ids: readonly string[]): void => {
      for (const id of ids) statements.deleteSandboxMessage.run(inboxId, id);
    });
    const pageRows = (filter: SandboxPageFilter) =>
      filter.limit > 0 ? statements.pageSandboxSummaries.all(filter) : [];
    // One read transaction: the count and the page see the same messages. A page short of its limit
    // ends the listing, so it counts the listing itself (unless it begins past the end).
    const pageWithCount = deferred(db, (filter: SandboxPageFilter) => {
      const rows = pageRows(filter);
      const counted = rows.length === filter.limit || (rows.length === 0 && filter.offset > 0);
      const total = counted ? (statements.countSandboxSummaries.get(filter) ?? 0) : filter.offset + rows.length;
      return { rows, total };
    });
    this.pageSandboxSummariesConsistently = (filter: SandboxPageFilter): SandboxSummaryPage => {
      const { rows, total } = pageWithCount(filter);
      return { messages: rows.map((row) => sandboxPageMessageFromRow(filter, row)), total };
    };
    this.putSandboxMessagesAtomically = immediate(db, (messages: readonly SandboxMessage[]): void => {
      for (const message of messages) {
        statements.upsertSandboxMessage.run(
          message.inboxId,
          message.id,
          message.folder,
          message.date,
          messageTime(message.date),
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
      sendPolicy: null,
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
    this.statements.insertApiKey.run(
      created.id,
      created.workspaceId,
      created.mode,
      JSON.stringify(created.scopes),
      created.hash,
      created.hint,
      created.name,
      created.inboxIds === null ? null : JSON.stringify(created.inboxIds),
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
    const at = new Date().toISOString();
    return this.changeConfigAtomically(() => this.statements.revokeApiKey.run(at, id).changes) > 0;
  }

  async setApiKeySendPolicy(id: string, policy: SendPolicy | null): Promise<boolean> {
    const json = policy === null ? null : JSON.stringify(policy);
    return this.changeConfigAtomically(() => this.statements.setApiKeySendPolicy.run(json, id).changes) > 0;
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    this.statements.touchApiKey.run(at, id, at);
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
    this.statements.insertInbox.run(
      inbox.id,
      inbox.workspaceId,
      inbox.mode,
      inbox.kind,
      JSON.stringify(inbox.addresses),
      sealedSecret,
      inbox.createdAt,
      inbox.requireApproval ? 1 : 0,
    );
    return inbox;
  }

  async setInboxRequireApproval(id: string, requireApproval: boolean): Promise<boolean> {
    const flag = requireApproval ? 1 : 0;
    return this.changeConfigAtomically(() => this.statements.setInboxRequireApproval.run(flag, id).changes) > 0;
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

  async updateInboxSecret(id: string, secret: string, options: InboxSecretWrite = {}): Promise<string | undefined> {
    const sealed = this.secrets.seal(secret, inboxSecretContext(id));
    const stamp = sealedStamp(sealed);
    options.beforeWrite?.(stamp);
    const changes = this.changeConfigAtomically(
      () =>
        (options.ifStamp === undefined
          ? this.statements.updateInboxSecret.run(sealed, id)
          : this.statements.updateInboxSecretIfStamp.run(sealed, id, options.ifStamp)
        ).changes,
    );
    return changes > 0 ? stamp : undefined;
  }

  async removeInbox(id: string): Promise<boolean> {
    return this.removeInboxAtomically(id);
  }

  async configVersion(): Promise<number> {
    return this.statements.getConfigVersion.get()?.version ?? 0;
  }

  async hitRateWindows(keyId: string, windows: readonly RateWindow[], nowMs: number): Promise<RateDecision> {
    return this.hitRateWindowsAtomically(keyId, rateWindowsInMs(windows), nowMs);
  }

  async consumeQuota(counter: string, limit: number, expiresAtMs: number): Promise<QuotaDecision> {
    const nowMs = Date.now();
    this.sweepExpiredQuotas(nowMs);
    return this.consumeQuotaAtomically(counter, limit, expiresAtMs, nowMs);
  }

  async admitCall(
    keyId: string,
    windows: readonly RateWindow[],
    nowMs: number,
    charge: QuotaCharge | null,
  ): Promise<Admission> {
    const windowsMs = rateWindowsInMs(windows);
    if (charge === null) return { rate: this.hitRateWindowsAtomically(keyId, windowsMs, nowMs), quota: null };
    // Quota expiry is judged by the wall clock, as consumeQuota judges it; the windows by the call's nowMs.
    const wallMs = Date.now();
    this.sweepExpiredQuotas(wallMs);
    return this.admitCallAtomically(keyId, windowsMs, nowMs, charge, wallMs);
  }

  private sweepExpiredQuotas(nowMs: number): void {
    if (nowMs < this.nextQuotaSweepAtMs) return;
    this.nextQuotaSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
    this.statements.deleteExpiredQuotas.run(nowMs);
  }

  async quotaUsed(counter: string, nowMs: number): Promise<number> {
    const row = this.statements.getQuota.get(counter);
    return row !== undefined && row.expires_at_ms > nowMs ? row.used : 0;
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

  async createUser(input: { email: string; passwordHash: string }): Promise<UserRecord | undefined> {
    const user: UserRecord = {
      id: randomUUID(),
      email: input.email,
      passwordHash: input.passwordHash,
      createdAt: new Date().toISOString(),
    };
    const inserted = this.statements.insertUser.run(
      user.id,
      user.email,
      userEmailKey(user.email),
      user.passwordHash,
      user.createdAt,
    );
    return inserted.changes > 0 ? user : undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.statements.getUser.get(id);
    return row && userFromRow(row);
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const row = this.statements.findUserByEmail.get(userEmailKey(email));
    return row && userFromRow(row);
  }

  async countUsers(): Promise<number> {
    return this.statements.countUsers.get() ?? 0;
  }

  async putMembership(input: { workspaceId: string; userId: string; role: MemberRole }): Promise<MembershipRecord> {
    const row = this.statements.putMembership.get(
      input.workspaceId,
      input.userId,
      input.role,
      new Date().toISOString(),
    );
    if (row === undefined) throw new Error("putting a membership returned no row");
    return membershipFromRow(row);
  }

  async listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    return this.statements.listMembershipsOfUser.all(userId).map(membershipFromRow);
  }

  async listMembersOfWorkspace(workspaceId: string): Promise<MembershipRecord[]> {
    return this.statements.listMembersOfWorkspace.all(workspaceId).map(membershipFromRow);
  }

  async removeMembership(workspaceId: string, userId: string): Promise<boolean> {
    return this.statements.deleteMembership.run(workspaceId, userId).changes > 0;
  }

  async createSession(session: SessionRecord): Promise<void> {
    const nowMs = Date.now();
    if (nowMs >= this.nextSessionSweepAtMs) {
      this.nextSessionSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
      this.statements.deleteExpiredSessions.run(nowMs);
    }
    this.statements.insertSession.run(
      session.id,
      session.userId,
      session.workspaceId,
      session.createdAt,
      session.expiresAtMs,
    );
  }

  async getSession(id: string, nowMs: number): Promise<SessionRecord | undefined> {
    const row = this.statements.getSession.get(id);
    return row !== undefined && row.expires_at_ms > nowMs ? sessionFromRow(row) : undefined;
  }

  async switchSessionWorkspace(id: string, workspaceId: string): Promise<boolean> {
    return this.statements.switchSessionWorkspace.run(workspaceId, id, Date.now()).changes > 0;
  }

  async deleteSession(id: string): Promise<void> {
    this.statements.deleteSession.run(id);
  }

  async deleteSessionsOfUser(userId: string): Promise<void> {
    this.statements.deleteSessionsOfUser.run(userId);
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    const nowMs = Date.now();
    if (nowMs >= this.nextInviteSweepAtMs) {
      this.nextInviteSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
      this.statements.deleteExpiredInvites.run(nowMs);
    }
    this.statements.insertInvite.run(invite.id, invite.workspaceId, invite.role, invite.createdAt, invite.expiresAtMs);
  }

  async takeInvite(id: string, nowMs: number): Promise<InviteRecord | undefined> {
    const row = this.statements.takeInvite.get(id);
    return row !== undefined && row.expires_at_ms > nowMs ? inviteFromRow(row) : undefined;
  }

  // The entries of the calls answered in one turn of the event loop are written in one transaction:
  // one commit for many calls, where a commit per call was the hot path's largest write (#17). Reads
  // of the log write what is pending first, so this process never shows a log without its own calls.
  async recordActivity(entry: ActivityEntry): Promise<void> {
    return new Promise((written, failed) => {
      this.pendingActivity.push({ entry, written, failed });
      if (this.pendingActivity.length === 1) setImmediate(() => this.writePendingActivity());
    });
  }

  private writePendingActivity(): void {
    const batch = this.pendingActivity;
    if (batch.length === 0) return;
    this.pendingActivity = [];
    try {
      this.recordActivitiesAtomically(batch.map(({ entry }) => entry));
    } catch (error) {
      for (const { failed } of batch) failed(error);
      return;
    }
    for (const { written } of batch) written();
  }

  async listActivity(workspaceId: string, query: ActivityQuery): Promise<StoredActivityEntry[]> {
    this.writePendingActivity();
    if (query.limit <= 0) return [];
    return this.statements.listActivity
      .all({
        workspaceId,
        beforeSeq: query.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        keyId: query.keyId ?? null,
        tool: query.tool ?? null,
        outcome: query.outcome ?? null,
        limit: query.limit,
      })
      .map(activityFromRow);
  }

  async usageOfMonth(workspaceId: string, month: string): Promise<UsageCount[]> {
    this.writePendingActivity();
    return this.statements.usageOfMonth.all(workspaceId, month);
  }

  async recordSendDecision(entry: SendDecisionEntry): Promise<void> {
    this.recordSendDecisionAtomically(entry);
  }

  async listSendDecisions(
    workspaceId: string,
    query: { beforeSeq?: number; limit: number },
  ): Promise<StoredSendDecision[]> {
    if (query.limit <= 0) return [];
    return this.statements.listSendDecisions
      .all(workspaceId, query.beforeSeq ?? Number.MAX_SAFE_INTEGER, query.limit)
      .map((row) => ({ ...(JSON.parse(row.entry) as SendDecisionEntry), seq: row.seq }));
  }

  async createSendHold(hold: NewSendHold): Promise<void> {
    const sealedArgs = this.secrets.seal(JSON.stringify(hold.args), sendHoldContext(hold.id));
    this.createSendHoldAtomically(hold, sealedArgs);
  }

  async getSendHold(workspaceId: string, holdId: string): Promise<SendHold | undefined> {
    const row = this.statements.getSendHold.get(workspaceId, holdId);
    return row === undefined ? undefined : this.sendHoldFromRow(row);
  }

  async listSendHolds(workspaceId: string, query: { limit: number }): Promise<SendHold[]> {
    if (query.limit <= 0) return [];
    return this.statements.listSendHolds.all(workspaceId, query.limit).map((row) => this.sendHoldFromRow(row));
  }

  async decideSendHold(
    workspaceId: string,
    holdId: string,
    decision: { from: WaitingHoldStatus; to: "sending" | "rejected" | "cancelled"; by: string; at: string },
  ): Promise<SendHold | undefined> {
    const changed = this.statements.decideSendHold.run(
      decision.to,
      decision.by,
      decision.at,
      workspaceId,
      holdId,
      decision.from,
    ).changes;
    return changed === 0 ? undefined : this.getSendHold(workspaceId, holdId);
  }

  async listDueSendHolds(at: string, limit: number): Promise<DueSendHold[]> {
    if (limit <= 0) return [];
    return this.statements.listDueSendHolds
      .all(at, limit)
      .map((row) => ({ workspaceId: row.workspace_id, holdId: row.id }));
  }

  async finishSendHold(
    workspaceId: string,
    holdId: string,
    finish: { status: "sent" | "failed"; outcome: SendHoldOutcome },
  ): Promise<void> {
    this.statements.finishSendHold.run(finish.status, JSON.stringify(finish.outcome), workspaceId, holdId);
  }

  private sendHoldFromRow(row: SendHoldRow): SendHold {
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      inboxId: row.inbox_id,
      keyId: row.key_id,
      tool: row.tool as HeldTool,
      args: openHoldArgs(this.secrets, row.sealed_args, row.id),
      recipients: JSON.parse(row.recipients) as string[],
      heldAt: row.held_at,
      sendAt: row.send_at,
      status: row.status as SendHoldStatus,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by,
      outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as SendHoldOutcome),
    };
  }

  async observeCorrespondents(
    _workspaceId: string,
    inboxId: string,
    sightings: readonly CorrespondentSighting[],
    asked: readonly string[],
  ): Promise<{ learned: boolean; known: Correspondent[] }> {
    return this.observeCorrespondentsAtomically(inboxId, sightings, asked);
  }

  async markCorrespondentsLearned(_workspaceId: string, inboxId: string): Promise<void> {
    this.statements.markCorrespondentsLearned.run(inboxId, new Date().toISOString());
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

  async pageSandboxSummaries(inboxId: string, page: SandboxPageQuery): Promise<SandboxSummaryPage> {
    return this.pageSandboxSummariesConsistently({
      inboxId,
      folder: page.folder,
      unreadOnly: page.unreadOnly === true ? 1 : 0,
      limit: page.limit,
      offset: page.offset,
    });
  }

  async getSandboxMessage(inboxId: string, id: string): Promise<SandboxMessage | undefined> {
    const row = this.statements.getSandboxMessage.get(inboxId, id);
    return row && sandboxMessageFromRow(row);
  }

  async deleteSandboxMessages(inboxId: string, ids: readonly string[]): Promise<void> {
    this.deleteSandboxMessagesAtomically(inboxId, ids);
  }

  async putOAuthClient(client: OAuthClientRecord): Promise<void> {
    this.statements.putOAuthClient.run(
      client.id,
      client.name,
      JSON.stringify(client.redirectUris),
      client.source,
      client.createdAt,
    );
  }

  async getOAuthClient(id: string): Promise<OAuthClientRecord | undefined> {
    const row = this.statements.getOAuthClient.get(id);
    return (
      row && {
        id: row.id,
        name: row.name,
        redirectUris: JSON.parse(row.redirect_uris) as string[],
        source: row.source as OAuthClientRecord["source"],
        createdAt: row.created_at,
      }
    );
  }

  async createAuthorizationCode(code: Omit<AuthorizationCodeRecord, "usedAt">): Promise<void> {
    this.sweepOAuth();
    this.statements.insertOAuthCode.run(code.id, JSON.stringify(code), code.expiresAtMs + AUTHORIZATION_CODE_MEMORY_MS);
  }

  async findAuthorizationCode(id: string): Promise<AuthorizationCodeRecord | undefined> {
    const row = this.statements.getOAuthCode.get(id, Date.now());
    return row && { ...(JSON.parse(row.record) as Omit<AuthorizationCodeRecord, "usedAt">), usedAt: row.used_at };
  }

  async useAuthorizationCode(id: string, at: string): Promise<boolean> {
    return this.statements.useOAuthCode.run(at, id, Date.now()).changes > 0;
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
    this.statements.insertOAuthGrant.run(
      created.id,
      created.workspaceId,
      created.userId,
      created.clientId,
      created.mode,
      JSON.stringify(created.inboxIds),
      JSON.stringify(created.scopes),
      created.resource,
      created.createdAt,
    );
    return created;
  }

  async getOAuthGrant(id: string): Promise<OAuthGrantRecord | undefined> {
    const row = this.statements.getOAuthGrant.get(id);
    return row && grantFromRow(row);
  }

  async listOAuthGrants(workspaceId: string): Promise<OAuthGrantRecord[]> {
    return this.statements.listOAuthGrants.all(workspaceId).map(grantFromRow);
  }

  async revokeOAuthGrant(id: string, at: string): Promise<boolean> {
    return this.statements.revokeOAuthGrant.run(at, id).changes > 0;
  }

  async touchOAuthGrant(id: string, at: string): Promise<void> {
    this.statements.touchOAuthGrant.run(at, id, at);
  }

  async createRefreshToken(token: Omit<RefreshTokenRecord, "rotatedAt">): Promise<void> {
    this.sweepOAuth();
    this.statements.insertRefreshToken.run(token.id, JSON.stringify(token), token.expiresAtMs);
  }

  async findRefreshToken(id: string, nowMs: number): Promise<RefreshTokenRecord | undefined> {
    const row = this.statements.getRefreshToken.get(id, nowMs);
    return row && { ...(JSON.parse(row.record) as Omit<RefreshTokenRecord, "rotatedAt">), rotatedAt: row.used_at };
  }

  async rotateRefreshToken(id: string, at: string): Promise<boolean> {
    return this.statements.rotateRefreshToken.run(at, id).changes > 0;
  }

  async createAccessToken(token: AccessTokenRecord): Promise<void> {
    this.sweepOAuth();
    this.statements.insertAccessToken.run(token.id, JSON.stringify(token), token.expiresAtMs);
  }

  async findAccessToken(id: string, nowMs: number): Promise<AccessTokenRecord | undefined> {
    const row = this.statements.getAccessToken.get(id, nowMs);
    return row && (JSON.parse(row.record) as AccessTokenRecord);
  }

  async deleteAccessToken(id: string): Promise<void> {
    this.statements.deleteAccessToken.run(id);
  }

  private sweepOAuth(): void {
    const nowMs = Date.now();
    if (nowMs < this.nextOAuthSweepAtMs) return;
    this.nextOAuthSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
    this.statements.deleteForgottenOAuthCodes.run(nowMs);
    this.statements.deleteExpiredRefreshTokens.run(nowMs);
    this.statements.deleteExpiredAccessTokens.run(nowMs);
  }

  async close(): Promise<void> {
    if (this.db.open) this.writePendingActivity();
    if (this.db.open) this.db.close();
  }

  /** Opens nothing: the record's secret is opened when it is first read. */
  private inboxFromRow(row: InboxRow): InboxRecord {
    return inboxRecordWithSealedSecret(
      {
        id: row.id,
        workspaceId: row.workspace_id,
        mode: row.mode as KeyMode,
        kind: row.kind as InboxKind,
        addresses: JSON.parse(row.addresses) as string[],
        requireApproval: row.require_approval === 1,
        createdAt: row.created_at,
      },
      row.sealed_secret,
      this.secrets,
    );
  }
}

/** Wraps fn in BEGIN ... COMMIT: reads in it see one snapshot of the file. */
function deferred<A extends unknown[], R>(db: Database, fn: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(fn);
  return (...args: A) => transaction.deferred(...args);
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
    sendPolicy: row.send_policy === null ? null : storedSendPolicy(row.send_policy),
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
    inboxIds: row.inbox_ids === null ? null : (JSON.parse(row.inbox_ids) as string[]),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    sendPolicy: row.send_policy === null ? null : storedSendPolicy(row.send_policy),
  };
}

function grantFromRow(row: OAuthGrantRow): OAuthGrantRecord {
  return {
    id: row.id,
    userId: row.user_id,
    workspaceId: row.workspace_id,
    clientId: row.client_id,
    mode: row.mode as KeyMode,
    inboxIds: JSON.parse(row.inbox_ids) as string[],
    scopes: JSON.parse(row.scopes) as Scope[],
    resource: row.resource,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function userFromRow(row: UserRow): UserRecord {
  return { id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at };
}

function membershipFromRow(row: MembershipRow): MembershipRecord {
  return {
    workspaceId: row.workspace_id,
    userId: row.user_id,
    role: row.role as MemberRole,
    createdAt: row.created_at,
  };
}

function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    workspaceId: row.workspace_id,
    createdAt: row.created_at,
    expiresAtMs: row.expires_at_ms,
  };
}

function inviteFromRow(row: InviteRow): InviteRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    role: row.role as MemberRole,
    createdAt: row.created_at,
    expiresAtMs: row.expires_at_ms,
  };
}

function activityFromRow(row: ActivityRow): StoredActivityEntry {
  return {
    workspaceId: row.workspace_id,
    seq: row.seq,
    at: row.at,
    keyId: row.key_id,
    tool: row.tool,
    inboxId: row.inbox_id,
    outcome: row.outcome,
    durationMs: row.duration_ms,
  };
}

function sandboxSummaryFromRow([inboxId, id, folder, date, unread, summary]: SandboxSummaryRow): SandboxMessage {
  return { inboxId, id, folder, date, unread: unread === 1, data: JSON.parse(summary) as unknown };
}

function sandboxPageMessageFromRow(
  { inboxId, folder }: SandboxPageFilter,
  [id, date, unread, summary]: SandboxPageRow,
): SandboxMessage {
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

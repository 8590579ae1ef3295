// The SQLite schema, as numbered steps. Applied steps are listed in schema_migrations; a step is never
// edited once released, a change is a new step. Opening a store applies what is missing, in one
// IMMEDIATE transaction, so a server and a CLI opening the same file at once apply each step once.
import type { Database } from "better-sqlite3";
import { messageTime } from "../listing-order.js";

interface Migration {
  version: number;
  sql: string;
  /** Run after sql, in the same transaction: for what SQL alone cannot compute as the program does. */
  fill?: (db: Database) => void;
}

// No foreign keys: the Redis adapter cannot enforce them, and both adapters must behave alike.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        plan TEXT NOT NULL,
        sends_per_day_override INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        scopes TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        name TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id);
      CREATE TABLE inboxes (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        kind TEXT NOT NULL,
        addresses TEXT NOT NULL,
        sealed_secret TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX inboxes_by_workspace ON inboxes (workspace_id);
      CREATE TABLE rate_hits (
        key_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX rate_hits_by_key_and_time ON rate_hits (key_id, at_ms);
      CREATE TABLE rate_log_sizes (
        key_id TEXT PRIMARY KEY,
        size INTEGER NOT NULL
      );
      CREATE TABLE quota_counters (
        counter TEXT PRIMARY KEY,
        used INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX quota_counters_by_expiry ON quota_counters (expires_at_ms);
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('started', 'completed', 'unknown')),
        started_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        result TEXT
      );
      CREATE INDEX idempotency_by_expiry ON idempotency (expires_at_ms);
      CREATE TABLE sandbox_messages (
        inbox_id TEXT NOT NULL,
        id TEXT NOT NULL,
        folder TEXT NOT NULL,
        date TEXT NOT NULL,
        unread INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (inbox_id, id)
      );
    `,
  },
  {
    // Each sandbox message's summary (its data without SANDBOX_BULK_FIELDS, store.ts), so that
    // listing an inbox reads neither raw sources nor bodies; filled here for the messages already stored.
    version: 2,
    sql: `
      ALTER TABLE sandbox_messages ADD COLUMN summary TEXT NOT NULL DEFAULT 'null';
      UPDATE sandbox_messages SET summary = CASE json_type(data) WHEN 'object' THEN json_remove(data, '$.raw', '$.body_text') ELSE data END;
    `,
  },
  {
    // Operators' per-workspace limits (#18): a monthly call quota and per-key rate windows (JSON, by window name).
    version: 3,
    sql: `
      ALTER TABLE workspaces ADD COLUMN calls_per_month_override INTEGER;
      ALTER TABLE workspaces ADD COLUMN rate_limits_override TEXT;
    `,
  },
  {
    // The dashboard (#14): keys limited to some inboxes (JSON, NULL for all) and their last use;
    // people, their memberships, sessions and invites; the activity log and its monthly counts.
    // email_lower is lower-cased by the program, not by SQLite's lower() (ASCII only), so that
    // uniqueness agrees with the Redis adapter for every email.
    version: 4,
    sql: `
      ALTER TABLE api_keys ADD COLUMN inbox_ids TEXT;
      ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        email_lower TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE memberships (
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, user_id)
      );
      CREATE INDEX memberships_by_user ON memberships (user_id);
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);
      CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        workspace_id TEXT,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX invites_by_expiry ON invites (expires_at_ms);
      CREATE TABLE activity (
        workspace_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        inbox_id TEXT,
        outcome TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE usage_counts (
        workspace_id TEXT NOT NULL,
        month TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        outcome TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, month, key_id, tool, outcome)
      ) WITHOUT ROWID;
    `,
  },
  {
    // The OAuth authorization server (#15): clients, authorization codes, grants ("connected apps"),
    // refresh and access tokens. Codes and tokens are kept by their sha256 only.
    version: 5,
    sql: `
      CREATE TABLE oauth_clients (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        redirect_uris TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE oauth_codes (
        id TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        forget_at_ms INTEGER NOT NULL,
        used_at TEXT
      );
      CREATE INDEX oauth_codes_by_forget_time ON oauth_codes (forget_at_ms);
      CREATE TABLE oauth_grants (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        inbox_ids TEXT NOT NULL,
        scopes TEXT NOT NULL,
        resource TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX oauth_grants_by_workspace ON oauth_grants (workspace_id);
      CREATE TABLE oauth_refresh_tokens (
        id TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        rotated_at TEXT
      );
      CREATE INDEX oauth_refresh_tokens_by_expiry ON oauth_refresh_tokens (expires_at_ms);
      CREATE TABLE oauth_access_tokens (
        id TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX oauth_access_tokens_by_expiry ON oauth_access_tokens (expires_at_ms);
    `,
  },
  {
    // The hot path (#17). Sandbox listings are paged from an index in the listing order
    // (listing-order.ts): received_ms is messageTime(date), NULL when the date does not parse, filled
    // here by the program's own Date.parse for the messages already stored; unread rides in the
    // index so that unread-only pages and counts never read the table. Rate hits are kept in one
    // b-tree (n tells apart hits of the same key in the same millisecond), so that a hit writes one
    // page of the log instead of a table page and an index page.
    version: 6,
    sql: `
      ALTER TABLE sandbox_messages ADD COLUMN received_ms INTEGER;
      CREATE INDEX sandbox_messages_listing ON sandbox_messages (inbox_id, folder, received_ms DESC, id, unread);
      CREATE TABLE rate_hits_by_key (
        key_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (key_id, at_ms, n)
      ) WITHOUT ROWID;
      INSERT INTO rate_hits_by_key (key_id, at_ms, n)
        SELECT key_id, at_ms, row_number() OVER (PARTITION BY key_id, at_ms ORDER BY rowid) - 1 FROM rate_hits;
      DROP TABLE rate_hits;
      ALTER TABLE rate_hits_by_key RENAME TO rate_hits;
    `,
    fill: (db) => {
      const set = db.prepare<[number | null, string, string]>(
        "UPDATE sandbox_messages SET received_ms = ? WHERE inbox_id = ? AND id = ?",
      );
      const rows = db.prepare<[], { inbox_id: string; id: string; date: string }>(
        "SELECT inbox_id, id, date FROM sandbox_messages",
      );
      for (const row of rows.all()) set.run(messageTime(row.date), row.inbox_id, row.id);
    },
  },
  {
    // Per-instance caches of keys, workspaces and inboxes (#17) read this one row per call and start
    // afresh when it moved: every change they must see raises it in its own transaction.
    version: 7,
    sql: `
      CREATE TABLE config_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT INTO config_version (id, version) VALUES (1, 0);
    `,
  },
  {
    // Send policies (#20): a workspace's default and a key's own, as JSON; the send log of their decisions.
    version: 8,
    sql: `
      ALTER TABLE workspaces ADD COLUMN send_policy TEXT;
      ALTER TABLE api_keys ADD COLUMN send_policy TEXT;
      CREATE TABLE send_decisions (
        workspace_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (workspace_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Sends held for approval (#20): the call's arguments sealed, its state, who decided and how it ended.
    version: 9,
    sql: `
      CREATE TABLE send_holds (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        inbox_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        sealed_args TEXT NOT NULL,
        recipients TEXT NOT NULL,
        held_at TEXT NOT NULL,
        status TEXT NOT NULL,
        decided_at TEXT,
        decided_by TEXT,
        outcome TEXT,
        PRIMARY KEY (workspace_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX send_holds_by_time ON send_holds (workspace_id, held_at);
    `,
  },
  {
    // Undo windows (#20): a hold due to go out by itself at send_at unless cancelled, found across workspaces.
    version: 10,
    sql: `
      ALTER TABLE send_holds ADD COLUMN send_at TEXT;
      CREATE INDEX send_holds_due ON send_holds (status, send_at);
    `,
  },
  {
    // Approval per inbox (#20): every send from the inbox held for a person, whatever the key's policy.
    version: 11,
    sql: `ALTER TABLE inboxes ADD COLUMN require_approval INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Known correspondents: per inbox, each address it received from (the earliest date, ms) or
    // wrote to (written_to 1 once it did), and whether the inbox's history has been learned.
    version: 12,
    sql: `
      CREATE TABLE correspondents (
        inbox_id TEXT NOT NULL,
        address TEXT NOT NULL,
        first_received_at_ms INTEGER,
        written_to INTEGER NOT NULL,
        PRIMARY KEY (inbox_id, address)
      ) WITHOUT ROWID;
      CREATE TABLE correspondents_learned (
        inbox_id TEXT PRIMARY KEY,
        learned_at TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

/** Applies the missing steps (up to upTo, which tests lower); returns the versions it applied (none when the file is up to date). */
export function migrate(db: Database, upTo: number = LATEST_SCHEMA_VERSION): number[] {
  const apply = db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    const current =
      db.prepare<[], { version: number | null }>("SELECT MAX(version) AS version FROM schema_migrations").get()
        ?.version ?? 0;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new Error(
        `the database is at schema version ${current}, newer than this program knows (${LATEST_SCHEMA_VERSION}); upgrade the program`,
      );
    }
    const record = db.prepare<[number, string]>("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > upTo) continue;
      db.exec(migration.sql);
      migration.fill?.(db);
      record.run(migration.version, new Date().toISOString());
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}

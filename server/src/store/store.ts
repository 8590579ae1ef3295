// The one storage port of the server. Two adapters implement it (SQLite, the embedded default, and
// Redis, for any number of instances) and pass one contract suite. Every method that decides
// whether something may happen (rate windows, quotas, idempotency) is atomic in the adapter, so
// that limits hold exactly under concurrency and across instances.
import type { KeyMode, PlanId, Scope } from "@mcpemails/generated";

export interface Workspace {
  id: string;
  name: string;
  plan: PlanId;
  /** The daily send quota set by an operator (enterprise plans must have one); null means the plan's. */
  sendsPerDayOverride: number | null;
  /** The monthly call quota set by an operator; null means the plan's. */
  callsPerMonthOverride: number | null;
  /** Per-key rate limits of this workspace's keys by window name; a window not named, or null, keeps the server's. */
  rateLimitsOverride: RateLimitsOverride | null;
  createdAt: string;
}

export type RateLimitsOverride = Readonly<Partial<Record<string, number>>>;

/** A change to a workspace's limits: a field left out stays as it is, null returns it to the plan's or the server's. */
export type WorkspaceLimitsChange = Partial<
  Pick<Workspace, "sendsPerDayOverride" | "callsPerMonthOverride" | "rateLimitsOverride">
>;

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  mode: KeyMode;
  scopes: Scope[];
  /** sha256 of the whole key, hex. The key itself is never stored. */
  hash: string;
  /** The key's prefix and last four characters, for people to recognise it (mcpe_test_…abcd). */
  hint: string;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export type InboxKind = "sandbox" | "imap" | "gmail" | "outlook";

export interface InboxRecord {
  id: string;
  workspaceId: string;
  mode: KeyMode;
  kind: InboxKind;
  /** The inbox's own addresses (used by reply-all to leave itself out). */
  addresses: string[];
  /** Provider settings, encrypted at rest by the store (AES-256-GCM); null for sandbox inboxes. */
  secret: string | null;
  createdAt: string;
}

export interface RateWindow {
  name: string;
  seconds: number;
  limit: number;
}

export type RateDecision = { allowed: true } | { allowed: false; window: string; limit: number; retryAfterMs: number };

export type QuotaDecision = { allowed: true; used: number } | { allowed: false; used: number };

export type IdempotencyBegin =
  | { state: "started" }
  | { state: "in_progress" }
  | { state: "completed"; result: unknown }
  /** An earlier call ended without recording its outcome (a crash between send and record). */
  | { state: "unknown" }
  | { state: "mismatch" };

/** A message of a sandbox inbox: the raw parts the sandbox provider needs, kept by the store. */
export interface SandboxMessage {
  inboxId: string;
  id: string;
  folder: string;
  /** ISO 8601 UTC. */
  date: string;
  unread: boolean;
  /** The message as the sandbox provider serialises it (headers, bodies, attachments). */
  data: unknown;
}

/**
 * The fields of a sandbox message's data that listings leave out: its raw source and its text
 * body, most of its bytes. The adapters keep the rest (the summary) apart, so that listing an
 * inbox reads and parses only that.
 */
export const SANDBOX_BULK_FIELDS: readonly string[] = ["raw", "body_text"];

/** The data of a message as listSandboxSummaries gives it: without SANDBOX_BULK_FIELDS when it is an object, else as it is. */
export function sandboxSummaryData(data: unknown): unknown {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data;
  const summary: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const field of SANDBOX_BULK_FIELDS) delete summary[field];
  return summary;
}

export interface Store {
  createWorkspace(input: { name: string; plan: PlanId; sendsPerDayOverride?: number | null }): Promise<Workspace>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  listWorkspaces(): Promise<Workspace[]>;
  /** Applies the change and returns the workspace as it now is; undefined when there is no such workspace. */
  updateWorkspaceLimits(id: string, change: WorkspaceLimitsChange): Promise<Workspace | undefined>;

  /** Saves a key record (the caller made the key and its hash). */
  createApiKey(record: Omit<ApiKeyRecord, "createdAt" | "revokedAt">): Promise<ApiKeyRecord>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Returns false when there is no such key. Revocation is seen by every instance at once. */
  revokeApiKey(id: string): Promise<boolean>;

  createInbox(input: Omit<InboxRecord, "id" | "createdAt"> & { id?: string }): Promise<InboxRecord>;
  getInbox(id: string): Promise<InboxRecord | undefined>;
  listInboxes(workspaceId?: string): Promise<InboxRecord[]>;
  /** Replaces an inbox's provider settings (a refreshed token cache, say); false when there is no such inbox. */
  updateInboxSecret(id: string, secret: string): Promise<boolean>;
  removeInbox(id: string): Promise<boolean>;

  /**
   * Checks one request against every rolling window and, only when all pass, records it in all
   * of them, atomically. retryAfterMs is the exact wait until the request would pass every window.
   */
  hitRateWindows(keyId: string, windows: readonly RateWindow[], nowMs: number): Promise<RateDecision>;
  /** Takes one unit of a counter (quota name + period) when it is below limit, atomically. */
  consumeQuota(counter: string, limit: number, expiresAtMs: number): Promise<QuotaDecision>;
  /** Gives back a unit taken by consumeQuota (a send that was refused before reaching the provider). */
  releaseQuota(counter: string): Promise<void>;

  /**
   * Starts an idempotent operation, or reports the state of the one that holds the key: a started
   * one older than staleAfterMs is "unknown" (its process died mid-send), never started again.
   * fingerprint identifies the arguments; another fingerprint under the same key is "mismatch".
   */
  beginIdempotent(
    key: string,
    fingerprint: string,
    options: { nowMs: number; ttlMs: number; staleAfterMs: number },
  ): Promise<IdempotencyBegin>;
  completeIdempotent(key: string, result: unknown): Promise<void>;
  /** Forgets a started operation that provably did nothing (refused before the provider), so a retry may run. */
  abandonIdempotent(key: string): Promise<void>;

  putSandboxMessages(messages: readonly SandboxMessage[]): Promise<void>;
  /** Every message of the inbox, newest first (messages of the same instant by id). */
  listSandboxMessages(inboxId: string): Promise<SandboxMessage[]>;
  /**
   * The same messages in the same order (only those of folder, when given), each with
   * sandboxSummaryData(data) instead of data: what a listing needs, without reading the raw sources
   * and bodies. Always agrees with the last put.
   */
  listSandboxSummaries(inboxId: string, folder?: string): Promise<SandboxMessage[]>;
  getSandboxMessage(inboxId: string, id: string): Promise<SandboxMessage | undefined>;
  /** Removes these messages (and their summaries) of the inbox; ids it does not have are ignored. */
  deleteSandboxMessages(inboxId: string, ids: readonly string[]): Promise<void>;

  close(): Promise<void>;
}

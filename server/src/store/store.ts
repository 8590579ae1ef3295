// The one storage port of the server. Two adapters implement it (SQLite, the embedded default, and
// Redis, for any number of instances) and pass one contract suite. Every method that decides
// whether something may happen (rate windows, quotas, idempotency) is atomic in the adapter, so
// that limits hold exactly under concurrency and across instances.
import type { KeyMode, PlanId, Scope } from "@mcpemails/generated";
import type { SendPolicy } from "../send-policy/send-policy.js";

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
  /** The send policy of this workspace's keys that have none of their own; null: sends are not policed. */
  sendPolicy: SendPolicy | null;
  createdAt: string;
}

export type RateLimitsOverride = Readonly<Partial<Record<string, number>>>;

/** A change to a workspace's limits: a field left out stays as it is, null returns it to the plan's or the server's. */
export type WorkspaceLimitsChange = Partial<
  Pick<Workspace, "sendsPerDayOverride" | "callsPerMonthOverride" | "rateLimitsOverride" | "sendPolicy">
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
  /** The inboxes of its workspace this key may use; null means all of them. Any other is inbox_not_found. */
  inboxIds: string[] | null;
  createdAt: string;
  revokedAt: string | null;
  /** When the key last made a call, to the minute (touchApiKey); null when never. */
  lastUsedAt: string | null;
  /** The key's own send policy, replacing its workspace's whole; null: the workspace's. */
  sendPolicy: SendPolicy | null;
}

export type InboxKind = "sandbox" | "imap" | "gmail" | "outlook";

export interface InboxRecord {
  id: string;
  workspaceId: string;
  mode: KeyMode;
  kind: InboxKind;
  /** The inbox's own addresses (used by reply-all to leave itself out). */
  addresses: string[];
  /**
   * Provider settings, encrypted at rest by the store (AES-256-GCM); null for sandbox inboxes. A
   * record the store reads opens its secret on the first read of this field only (and keeps it).
   */
  secret: string | null;
  /**
   * Identifies the stored secret without opening it: it changes on every write of the secret (even
   * of the same plaintext), so equal stamps mean the same write. null when the secret is null. Every
   * record a store gives has it; only a record made by hand (a test's) may leave it out.
   */
  secretStamp?: string | null;
  /**
   * Every send from this inbox is held for a person's approval, whatever the key's policy
   * (decision send-approval). Every record a store gives has it; one made by hand may leave it out.
   */
  requireApproval?: boolean;
  createdAt: string;
}

export interface InboxSecretWrite {
  /** Write only when the stored secret's stamp is still this (null: the inbox has no secret), atomically. */
  ifStamp?: string | null;
  /** Told the new stamp just before the write, so that a record read as soon as it lands is recognised. */
  beforeWrite?: (stamp: string) => void;
}

export interface RateWindow {
  name: string;
  seconds: number;
  limit: number;
}

export type RateDecision = { allowed: true } | { allowed: false; window: string; limit: number; retryAfterMs: number };

export type QuotaDecision = { allowed: true; used: number } | { allowed: false; used: number };

/** A unit of a quota counter to take (consumeQuota's arguments). */
export interface QuotaCharge {
  counter: string;
  limit: number;
  expiresAtMs: number;
}

/** The rate windows' decision, and the quota's when a charge was asked for and the windows allowed the call. */
export interface Admission {
  rate: RateDecision;
  quota: QuotaDecision | null;
}

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

export interface SandboxPageQuery {
  folder: string;
  unreadOnly?: boolean;
  offset: number;
  limit: number;
}

export interface SandboxSummaryPage {
  /** In the order of listSandboxSummaries, each with sandboxSummaryData(data). */
  messages: SandboxMessage[];
  total: number;
}

export type MemberRole = "owner" | "member";

/** A person who signs in to the dashboard. Emails are unique regardless of case. */
export interface UserRecord {
  id: string;
  /** As the person typed it (trimmed); compared in lower case. */
  email: string;
  /** The password's scrypt hash in PHC string form (dashboard/accounts/passwords.ts); never the password. */
  passwordHash: string;
  createdAt: string;
}

/** What users' emails are compared by: both adapters keep one user per lower-cased email (every script, not only ASCII). */
export function userEmailKey(email: string): string {
  return email.toLowerCase();
}

export interface MembershipRecord {
  workspaceId: string;
  userId: string;
  role: MemberRole;
  createdAt: string;
}

/** A signed-in browser. The cookie carries a random token; the store keys the session by its sha256 only. */
export interface SessionRecord {
  /** sha256 hex of the session token. */
  id: string;
  userId: string;
  /** The workspace the person is looking at. */
  workspaceId: string;
  createdAt: string;
  expiresAtMs: number;
}

/** A one-time link that lets a person join a workspace (or, with workspaceId null, sign up at all). */
export interface InviteRecord {
  /** sha256 hex of the invite token; the token itself is only in the link. */
  id: string;
  /** null: an operator's invitation to sign up and open a workspace of one's own. */
  workspaceId: string | null;
  role: MemberRole;
  createdAt: string;
  expiresAtMs: number;
}

/** One agent call, as the activity log keeps it: never arguments, never message content. */
export interface ActivityEntry {
  workspaceId: string;
  /** ISO 8601 UTC, to the millisecond. */
  at: string;
  keyId: string;
  /** The tool called, or the JSON-RPC method when it was not a tools/call. */
  tool: string;
  inboxId: string | null;
  /** "ok", or the error code (an execution error's code, or rate_limit_exceeded, invalid_params...). */
  outcome: string;
  durationMs: number;
}

/** An entry as the log gives it back: with its position, which pages and orders the log. */
export interface StoredActivityEntry extends ActivityEntry {
  /** Increasing per workspace: a later entry has a larger seq. */
  seq: number;
}

export interface ActivityQuery {
  /** Entries older than this seq (the previous page's last); newest first. */
  beforeSeq?: number;
  limit: number;
  keyId?: string;
  tool?: string;
  outcome?: string;
}

/** A count of calls of one month, by key, tool and outcome. */
export interface UsageCount {
  keyId: string;
  tool: string;
  outcome: string;
  count: number;
}

/** The month an entry's call is counted in (usageOfMonth): its at's UTC month, "2026-12". */
export function usageMonth(at: string): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** How many activity entries a workspace keeps: the oldest go first. */
export const ACTIVITY_LOG_CAPACITY = 10_000;

/** One send decided by a send policy, as the send log keeps it: who sent, to whom, what was decided; never the content. */
export interface SendDecisionEntry {
  workspaceId: string;
  /** ISO 8601 UTC, to the millisecond. */
  at: string;
  /** The API key, or the OAuth grant, that asked for the send. */
  keyId: string;
  inboxId: string;
  tool: string;
  /**
   * allowed: the policy let it go to the provider; refused: a rule stopped it and nothing was sent;
   * held: kept for a person's approval or its undo window (holdId); approved, rejected, cancelled: a
   * decision on a hold (by: a person, or "undo window" when the window ended).
   */
  decision: "allowed" | "refused" | "held" | "approved" | "rejected" | "cancelled";
  /** The rule that refused it (send_policy_refused's rule); null when allowed. */
  rule: string | null;
  /** The recipients (To, Cc and Bcc) as the message would have left, the first 150 and then how many more; empty when refused before it was composed (sends_per_hour). */
  recipients: string[];
  /** "accepted", or the error code the send ended with (provider_error when the outcome is unknown). */
  outcome: string;
  /** The provider's id of the sent message; null when nothing was sent. */
  messageId: string | null;
  /** The hold the decision is about, for held, approved and rejected. */
  holdId?: string;
  /** Who approved or rejected the hold: a dashboard account's email, or "cli". */
  by?: string;
}

export interface StoredSendDecision extends SendDecisionEntry {
  /** Increasing per workspace: a later entry has a larger seq. */
  seq: number;
}

/** How many send decisions a workspace keeps: the oldest go first. */
export const SEND_LOG_CAPACITY = 10_000;

/** The tools whose calls a send policy may hold for approval. */
export type HeldTool = "send_email" | "reply_to_email" | "send_draft";

export type SendHoldStatus =
  "pending_approval" | "scheduled" | "sending" | "sent" | "rejected" | "cancelled" | "failed";

/** The statuses a hold waits in for a decision: a person's (pending_approval) or its undo window's end (scheduled). */
export type WaitingHoldStatus = "pending_approval" | "scheduled";

/** A hold whose undo window has ended, as listDueSendHolds finds it. */
export interface DueSendHold {
  workspaceId: string;
  holdId: string;
}

/** How a hold's send ended: the sent message's ids, or the error it ended with. */
export type SendHoldOutcome =
  | { sent: true; messageId: string | null; threadId: string | null; rfc822MessageId: string }
  | { sent: false; failure: string };

/** A send held for a person's approval (decision send-approval): the call as it was made, kept until decided. */
export interface SendHold {
  id: string;
  workspaceId: string;
  inboxId: string;
  keyId: string;
  tool: HeldTool;
  /** The tool's arguments as checked (message content: sealed at rest); null when they can no longer be opened (the secret key was replaced). */
  args: Record<string, unknown> | null;
  recipients: string[];
  /** ISO 8601 UTC. */
  heldAt: string;
  /** With an undo window (decision undo-window): when it goes out unless cancelled; null: it waits for a person. */
  sendAt: string | null;
  status: SendHoldStatus;
  decidedAt: string | null;
  decidedBy: string | null;
  outcome: SendHoldOutcome | null;
}

export type NewSendHold = Omit<SendHold, "status" | "decidedAt" | "decidedBy" | "outcome" | "args"> & {
  args: Record<string, unknown>;
};

/** How many holds a workspace keeps (decided ones go first, oldest first); a pending hold is never dropped. */
export const SEND_HOLD_CAPACITY = 1_000;

/** What a read or a send showed of one address, for the inbox's known correspondents (decision known-correspondents). */
export interface CorrespondentSighting {
  /** Lower-cased, at most 254 characters. */
  address: string;
  /** The date of a message received from it, ms since the epoch; null when it was seen only as a recipient. */
  receivedAtMs: number | null;
  /** The inbox wrote to it: a recipient of a send, or of a message in its SENT folder. */
  writtenTo: boolean;
}

/** What the store knows of one address of an inbox's correspondence. */
export interface Correspondent {
  address: string;
  /** The earliest date of a message received from it, ms since the epoch; null: none seen. */
  firstReceivedAtMs: number | null;
  writtenTo: boolean;
}

/** How many sightings one observeCorrespondents call records; the rest of a larger call are left out. */
export const CORRESPONDENT_SIGHTINGS_MAX = 5_000;

/** A client of this server's OAuth authorization server: registered (RFC 7591) or described by its client ID metadata document. */
export interface OAuthClientRecord {
  /** The client_id: a random id for a registered client, the document's https URL for a metadata-document client. */
  id: string;
  name: string;
  redirectUris: string[];
  source: "registered" | "metadata_document";
  createdAt: string;
}

/** An authorization code, once consent is given. The code itself is only in the redirect. */
export interface AuthorizationCodeRecord {
  /** sha256 hex of the code. */
  id: string;
  clientId: string;
  userId: string;
  workspaceId: string;
  mode: KeyMode;
  inboxIds: string[];
  scopes: Scope[];
  redirectUri: string;
  /** The RFC 8707 resource its tokens are for: this server's /mcp. */
  resource: string;
  /** The PKCE S256 challenge (base64url of the verifier's sha256). */
  codeChallenge: string;
  /** The id of the grant its exchange creates, chosen at consent: a second exchange of the code revokes that grant. */
  grantId: string;
  createdAt: string;
  expiresAtMs: number;
  /** When it was exchanged; null until then. */
  usedAt: string | null;
}

/** How long a code is remembered after it expires, so that a late replay is still recognised as one. */
export const AUTHORIZATION_CODE_MEMORY_MS = 24 * 60 * 60 * 1000;

/** What a person allowed an OAuth client (a "connected app"): one workspace, some of its inboxes, some scopes. */
export interface OAuthGrantRecord {
  id: string;
  userId: string;
  workspaceId: string;
  clientId: string;
  /** test when the inboxes are sandboxes, live otherwise (a grant is one or the other, like a key). */
  mode: KeyMode;
  inboxIds: string[];
  scopes: Scope[];
  resource: string;
  createdAt: string;
  /** When its tokens last made a call, to the minute (touchOAuthGrant); null when never. */
  lastUsedAt: string | null;
  /** Revoking a grant ends every token of it at once. */
  revokedAt: string | null;
}

/** A refresh token of a grant: each is used once, and its use issues the next (rotation). */
export interface RefreshTokenRecord {
  /** sha256 hex of the token. */
  id: string;
  grantId: string;
  clientId: string;
  scopes: Scope[];
  createdAt: string;
  expiresAtMs: number;
  /** When it was exchanged for the next; null until then. Presented again after that, it is a reuse. */
  rotatedAt: string | null;
}

/** An access token: short-lived, opaque, for one resource. */
export interface AccessTokenRecord {
  /** sha256 hex of the token. */
  id: string;
  grantId: string;
  clientId: string;
  scopes: Scope[];
  resource: string;
  createdAt: string;
  expiresAtMs: number;
}

export interface Store {
  createWorkspace(input: { name: string; plan: PlanId; sendsPerDayOverride?: number | null }): Promise<Workspace>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  listWorkspaces(): Promise<Workspace[]>;
  /** Applies the change and returns the workspace as it now is; undefined when there is no such workspace. */
  updateWorkspaceLimits(id: string, change: WorkspaceLimitsChange): Promise<Workspace | undefined>;

  /** Saves a key record (the caller made the key and its hash). */
  createApiKey(
    record: Omit<ApiKeyRecord, "createdAt" | "revokedAt" | "lastUsedAt" | "inboxIds" | "sendPolicy"> & {
      inboxIds?: string[] | null;
    },
  ): Promise<ApiKeyRecord>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Returns false when there is no such key. Revocation is seen by every instance at once. */
  revokeApiKey(id: string): Promise<boolean>;
  /** Sets (null: removes) the key's own send policy; false when there is no such key. Seen by every instance at once. */
  setApiKeySendPolicy(id: string, policy: SendPolicy | null): Promise<boolean>;
  /** Records that the key made a call at this time (the caller decides how often it is worth a write). */
  touchApiKey(id: string, at: string): Promise<void>;

  createInbox(input: Omit<InboxRecord, "id" | "createdAt" | "secretStamp"> & { id?: string }): Promise<InboxRecord>;
  getInbox(id: string): Promise<InboxRecord | undefined>;
  listInboxes(workspaceId?: string): Promise<InboxRecord[]>;
  /**
   * Replaces an inbox's provider settings (a refreshed token cache, say) and returns their new
   * secretStamp; undefined, writing nothing, when there is no such inbox or (with ifStamp) the stored
   * secret's stamp is no longer ifStamp.
   */
  updateInboxSecret(id: string, secret: string, options?: InboxSecretWrite): Promise<string | undefined>;
  removeInbox(id: string): Promise<boolean>;
  /** Holds (or stops holding) every send from the inbox for approval; false when there is no such inbox. Seen by every instance at once. */
  setInboxRequireApproval(id: string, requireApproval: boolean): Promise<boolean>;
  /**
   * The configuration version: raised by every change a per-instance cache of keys, workspaces and
   * inboxes must not outlive (a revoked key, new limits or plan, a removed inbox, new inbox settings),
   * and read by every instance per call, so that such a change takes effect at once everywhere.
   */
  configVersion(): Promise<number>;

  /**
   * Checks one request against every rolling window and, only when all pass, records it in all
   * of them, atomically. retryAfterMs is the exact wait until the request would pass every window.
   */
  hitRateWindows(keyId: string, windows: readonly RateWindow[], nowMs: number): Promise<RateDecision>;
  /** Takes one unit of a counter (quota name + period) when it is below limit, atomically. */
  consumeQuota(counter: string, limit: number, expiresAtMs: number): Promise<QuotaDecision>;
  /**
   * A call's admission in one store step: hitRateWindows, then, only when the windows allow the call
   * and there is a charge, consumeQuota. A call the windows refuse takes no quota.
   */
  admitCall(
    keyId: string,
    windows: readonly RateWindow[],
    nowMs: number,
    charge: QuotaCharge | null,
  ): Promise<Admission>;
  /** How much of a counter is taken (0 when it has none or it expired by nowMs): what the dashboard shows. */
  quotaUsed(counter: string, nowMs: number): Promise<number>;
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

  /** undefined when a user has this email already (in any case). */
  createUser(input: { email: string; passwordHash: string }): Promise<UserRecord | undefined>;
  getUser(id: string): Promise<UserRecord | undefined>;
  /** Case-insensitive. */
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  countUsers(): Promise<number>;
  /** Adds the user to the workspace, or changes their role there. */
  putMembership(input: { workspaceId: string; userId: string; role: MemberRole }): Promise<MembershipRecord>;
  /** The user's workspaces, oldest membership first. */
  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]>;
  /** The workspace's members, oldest first. */
  listMembersOfWorkspace(workspaceId: string): Promise<MembershipRecord[]>;
  removeMembership(workspaceId: string, userId: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  /** undefined when there is none or it expired by nowMs. */
  getSession(id: string, nowMs: number): Promise<SessionRecord | undefined>;
  /** Points the session at another workspace of its user; false when there is no such session. */
  switchSessionWorkspace(id: string, workspaceId: string): Promise<boolean>;
  deleteSession(id: string): Promise<void>;
  /** Signs the user out everywhere (a password change, a removed member). */
  deleteSessionsOfUser(userId: string): Promise<void>;

  createInvite(invite: InviteRecord): Promise<void>;
  /** Takes the invite once, atomically: the first caller before expiry gets it, every later one undefined. */
  takeInvite(id: string, nowMs: number): Promise<InviteRecord | undefined>;

  /** Appends to the workspace's log (keeping the newest ACTIVITY_LOG_CAPACITY) and counts it in the month's usage. */
  recordActivity(entry: ActivityEntry): Promise<void>;
  listActivity(workspaceId: string, query: ActivityQuery): Promise<StoredActivityEntry[]>;
  /** The month's counts ("2026-12", UTC, from each entry's at), never trimmed like the log. */
  usageOfMonth(workspaceId: string, month: string): Promise<UsageCount[]>;

  /** Appends to the workspace's send log, keeping the newest SEND_LOG_CAPACITY. */
  recordSendDecision(entry: SendDecisionEntry): Promise<void>;
  /** Newest first; beforeSeq: entries older than that seq (the previous page's last). */
  listSendDecisions(workspaceId: string, query: { beforeSeq?: number; limit: number }): Promise<StoredSendDecision[]>;
  createSendHold(hold: NewSendHold): Promise<void>;
  getSendHold(workspaceId: string, holdId: string): Promise<SendHold | undefined>;
  /** The workspace's holds, newest first. */
  listSendHolds(workspaceId: string, query: { limit: number }): Promise<SendHold[]>;
  /**
   * Moves a waiting hold (in status `from`) to "sending" (approved, or its undo window over),
   * "rejected" or "cancelled", once: the hold as decided, or undefined when it is no longer in
   * `from` (decided already, by another person or instance) or not there.
   */
  decideSendHold(
    workspaceId: string,
    holdId: string,
    decision: { from: WaitingHoldStatus; to: "sending" | "rejected" | "cancelled"; by: string; at: string },
  ): Promise<SendHold | undefined>;
  /** Scheduled holds, of every workspace, whose sendAt is at or before `at`: the oldest first, at most limit. */
  listDueSendHolds(at: string, limit: number): Promise<DueSendHold[]>;
  /**
   * Records the sightings (per address: the earliest receivedAtMs kept, writtenTo once true stays
   * true), then answers what is known of each address in `asked` (those never seen left out) and
   * whether the inbox's history has been learned (markCorrespondentsLearned). One round trip.
   */
  observeCorrespondents(
    workspaceId: string,
    inboxId: string,
    sightings: readonly CorrespondentSighting[],
    asked: readonly string[],
  ): Promise<{ learned: boolean; known: Correspondent[] }>;
  /** The inbox's history has been learned: from now on observeCorrespondents answers learned. */
  markCorrespondentsLearned(workspaceId: string, inboxId: string): Promise<void>;
  /** Records how an approved hold's send ended (from "sending" only). */
  finishSendHold(
    workspaceId: string,
    holdId: string,
    finish: { status: "sent" | "failed"; outcome: SendHoldOutcome },
  ): Promise<void>;

  putSandboxMessages(messages: readonly SandboxMessage[]): Promise<void>;
  /** Every message of the inbox, newest first (messages of the same instant by id). */
  listSandboxMessages(inboxId: string): Promise<SandboxMessage[]>;
  /**
   * The same messages in the same order (only those of folder, when given), each with
   * sandboxSummaryData(data) instead of data: what a listing needs, without reading the raw sources
   * and bodies. Always agrees with the last put.
   */
  listSandboxSummaries(inboxId: string, folder?: string): Promise<SandboxMessage[]>;
  /**
   * One page of listSandboxSummaries(inboxId, folder) (only the unread messages with unreadOnly),
   * read from an index: the messages of the page are the only ones read and decoded. total counts
   * every message the listing has, not only the page's.
   */
  pageSandboxSummaries(inboxId: string, page: SandboxPageQuery): Promise<SandboxSummaryPage>;
  getSandboxMessage(inboxId: string, id: string): Promise<SandboxMessage | undefined>;
  /** Removes these messages (and their summaries) of the inbox; ids it does not have are ignored. */
  deleteSandboxMessages(inboxId: string, ids: readonly string[]): Promise<void>;

  /** Saves a client, replacing the one with its id (a metadata document read again). */
  putOAuthClient(client: OAuthClientRecord): Promise<void>;
  getOAuthClient(id: string): Promise<OAuthClientRecord | undefined>;

  /** Kept until AUTHORIZATION_CODE_MEMORY_MS after it expires, then forgotten. */
  createAuthorizationCode(code: Omit<AuthorizationCodeRecord, "usedAt">): Promise<void>;
  /** The code, used or not, expired or not, while it is remembered. */
  findAuthorizationCode(id: string): Promise<AuthorizationCodeRecord | undefined>;
  /** Marks the code used, atomically: true for the one call that used it, false for every other (or no such code). */
  useAuthorizationCode(id: string, at: string): Promise<boolean>;

  createOAuthGrant(grant: Omit<OAuthGrantRecord, "createdAt" | "lastUsedAt" | "revokedAt">): Promise<OAuthGrantRecord>;
  getOAuthGrant(id: string): Promise<OAuthGrantRecord | undefined>;
  /** The workspace's grants, revoked ones too, oldest first. */
  listOAuthGrants(workspaceId: string): Promise<OAuthGrantRecord[]>;
  /** false when there is no such grant; the first revocation time stands. Seen by every instance at once. */
  revokeOAuthGrant(id: string, at: string): Promise<boolean>;
  /** Records that the grant's tokens made a call at this time (the latest stands). */
  touchOAuthGrant(id: string, at: string): Promise<void>;

  /** Kept until it expires. */
  createRefreshToken(token: Omit<RefreshTokenRecord, "rotatedAt">): Promise<void>;
  /** The token, rotated or not, until it expires. */
  findRefreshToken(id: string, nowMs: number): Promise<RefreshTokenRecord | undefined>;
  /** Marks the token rotated, atomically: true for the one call that rotated it, false for every other. */
  rotateRefreshToken(id: string, at: string): Promise<boolean>;

  createAccessToken(token: AccessTokenRecord): Promise<void>;
  /** undefined when there is none or it expired by nowMs. */
  findAccessToken(id: string, nowMs: number): Promise<AccessTokenRecord | undefined>;
  deleteAccessToken(id: string): Promise<void>;

  close(): Promise<void>;
}

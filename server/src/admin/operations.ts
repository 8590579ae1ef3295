// What the CLI and the admin API can do, written once for both.
import type { KeyMode, PlanId, Scope } from "@mcpemails/generated";
import { PLANS, RATE_LIMITS, SCOPES } from "@mcpemails/generated";
import { randomUUID } from "node:crypto";
import { apiKeyHint, generateApiKey, hashApiKey } from "../auth/api-keys.js";
import { isValidAddrSpec } from "../mail/addresses.js";
import { defaultSecurity, type ServerEndpoint } from "../providers/imap/imap-settings.js";
import { sandboxAddress } from "../providers/sandbox/address.js";
import { seedSandboxInbox } from "../providers/sandbox/seed.js";
import { parseRateLimitList } from "../limits/rate-limit-setting.js";
import type { ApiKeyRecord, InboxRecord, Store, Workspace, WorkspaceLimitsChange } from "../store/store.js";

export class AdminInputError extends Error {
  override name = "AdminInputError";
}

export function parsePlan(value: string | undefined): PlanId {
  const plan = value ?? "free";
  if (!(plan in PLANS))
    throw new AdminInputError(`Unknown plan "${plan}"; plans are ${Object.keys(PLANS).join(", ")}.`);
  return plan as PlanId;
}

export function parseScopes(value: string | undefined): Scope[] {
  const scopes = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (scopes.length === 0) throw new AdminInputError(`Give at least one scope: ${Object.keys(SCOPES).join(", ")}.`);
  for (const scope of scopes)
    if (!(scope in SCOPES))
      throw new AdminInputError(`Unknown scope "${scope}"; scopes are ${Object.keys(SCOPES).join(", ")}.`);
  return [...new Set(scopes)] as Scope[];
}

export async function createWorkspace(
  store: Store,
  input: { name: string; plan: PlanId; sendsPerDay?: number | null },
): Promise<Workspace> {
  if (input.name.trim() === "") throw new AdminInputError("A workspace needs a name.");
  if (PLANS[input.plan].sends_per_day === "custom" && (input.sendsPerDay === undefined || input.sendsPerDay === null)) {
    throw new AdminInputError(
      `The ${PLANS[input.plan].title} plan needs its daily send quota: give --sends-per-day N.`,
    );
  }
  return store.createWorkspace({ name: input.name, plan: input.plan, sendsPerDayOverride: input.sendsPerDay ?? null });
}

/** A workspace's own limits; null returns one to the plan's quota or the server's rate windows, absent leaves it. */
export interface WorkspaceLimitsInput {
  /** "1000/minute,50000/day", as MCPEMAILS_RATE_LIMITS writes them; a window not named keeps the server's. */
  rateLimits?: string | null;
  callsPerMonth?: number | null;
  sendsPerDay?: number | null;
}

export async function updateWorkspaceLimits(
  store: Store,
  id: string,
  input: WorkspaceLimitsInput,
  names: { rateLimits: string; callsPerMonth: string; sendsPerDay: string },
): Promise<Workspace> {
  if (input.rateLimits === undefined && input.callsPerMonth === undefined && input.sendsPerDay === undefined)
    throw new AdminInputError(
      `Nothing to change: give ${names.rateLimits}, ${names.callsPerMonth} or ${names.sendsPerDay}.`,
    );
  const change: WorkspaceLimitsChange = {};
  if (input.rateLimits !== undefined)
    change.rateLimitsOverride = rateLimitsOverride(input.rateLimits, names.rateLimits);
  for (const [field, value, name] of [
    ["callsPerMonthOverride", input.callsPerMonth, names.callsPerMonth],
    ["sendsPerDayOverride", input.sendsPerDay, names.sendsPerDay],
  ] as const) {
    if (value === undefined) continue;
    if (value !== null && !(Number.isSafeInteger(value) && value >= 0))
      throw new AdminInputError(`${name} must be a whole number of at least 0.`);
    change[field] = value;
  }
  const workspace = await requireWorkspace(store, id);
  if (change.sendsPerDayOverride === null && PLANS[workspace.plan].sends_per_day === "custom")
    throw new AdminInputError(
      `The ${PLANS[workspace.plan].title} plan has no daily send quota of its own: give ${names.sendsPerDay} a number.`,
    );
  const updated = await store.updateWorkspaceLimits(id, change);
  if (!updated) throw new AdminInputError(`No workspace ${id}.`);
  return updated;
}

function rateLimitsOverride(setting: string | null, name: string): Workspace["rateLimitsOverride"] {
  if (setting === null) return null;
  try {
    return parseRateLimitList(
      setting,
      RATE_LIMITS.windows.map((w) => w.name),
      name,
    );
  } catch (error) {
    throw new AdminInputError((error as Error).message);
  }
}

/** A workspace as the CLI and the admin API show it: null where the plan's quota or the server's windows apply. */
export function workspaceView(workspace: Workspace) {
  return {
    workspace_id: workspace.id,
    name: workspace.name,
    plan: workspace.plan,
    rate_limits: workspace.rateLimitsOverride,
    calls_per_month: workspace.callsPerMonthOverride,
    sends_per_day: workspace.sendsPerDayOverride,
  };
}

async function requireWorkspace(store: Store, id: string): Promise<Workspace> {
  const workspace = await store.getWorkspace(id);
  if (!workspace) throw new AdminInputError(`No workspace ${id}.`);
  return workspace;
}

/** Creates a key and returns it with the only copy of its secret. */
export async function createApiKey(
  store: Store,
  input: { workspaceId: string; scopes: Scope[]; mode: KeyMode; name?: string; inboxIds?: readonly string[] | null },
): Promise<{ record: ApiKeyRecord; key: string }> {
  await requireWorkspace(store, input.workspaceId);
  const inboxIds = input.inboxIds ? await keyInboxes(store, input.workspaceId, input.mode, input.inboxIds) : null;
  const key = generateApiKey(input.mode);
  const record = await store.createApiKey({
    id: randomUUID(),
    workspaceId: input.workspaceId,
    mode: input.mode,
    scopes: input.scopes,
    hash: hashApiKey(key),
    hint: apiKeyHint(key),
    name: input.name ?? null,
    inboxIds,
  });
  return { record, key };
}

/** The inboxes a key is limited to: each one of the key's workspace and mode, named once, in lower case. */
async function keyInboxes(store: Store, workspaceId: string, mode: KeyMode, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) throw new AdminInputError("A key limited to inboxes needs at least one inbox.");
  const own = new Map((await store.listInboxes(workspaceId)).map((inbox) => [inbox.id.toLowerCase(), inbox]));
  const chosen = [...new Set(ids.map((id) => id.trim().toLowerCase()))];
  const foreign = chosen.filter((id) => !own.has(id));
  if (foreign.length > 0) throw new AdminInputError(`Not an inbox of workspace ${workspaceId}: ${foreign.join(", ")}.`);
  const otherMode = chosen.filter((id) => own.get(id)?.mode !== mode);
  if (otherMode.length > 0)
    throw new AdminInputError(
      `A ${mode} key reaches ${mode === "test" ? "sandbox (test)" : "live"} inboxes only; not ${otherMode.map((id) => own.get(id)?.addresses[0] ?? id).join(", ")}.`,
    );
  return chosen;
}

export async function addSandboxInbox(store: Store, input: { workspaceId: string; now?: Date }): Promise<InboxRecord> {
  await requireWorkspace(store, input.workspaceId);
  const id = randomUUID();
  const inbox = await store.createInbox({
    id,
    workspaceId: input.workspaceId,
    mode: "test",
    kind: "sandbox",
    addresses: [sandboxAddress(id)],
    secret: null,
  });
  await seedSandboxInbox(store, inbox, input.now ?? new Date());
  return inbox;
}

/** How an operator names a transport security; the plaintext one says that it is insecure. */
export const SECURITY_CHOICES = ["tls", "starttls", "insecure-plaintext"] as const;
export type SecurityChoice = (typeof SECURITY_CHOICES)[number];

/** An IMAP or SMTP server as stored: without a choice, implicit TLS on 993/465 and STARTTLS required elsewhere. */
export function mailEndpoint(
  role: "IMAP" | "SMTP",
  host: string,
  port: number,
  security: SecurityChoice | undefined,
): ServerEndpoint {
  if (security === undefined) return { host, port, security: defaultSecurity(role, port) };
  return { host, port, security: security === "insecure-plaintext" ? "plaintext" : security };
}

/** The address an IMAP inbox sends from: the one given, else the login when it is an address. */
export function inboxAddress(address: string | undefined, user: string): string {
  const chosen = address ?? user;
  if (!isValidAddrSpec(chosen))
    throw new AdminInputError(
      address === undefined
        ? `The login "${user}" is not an email address: give the inbox's address (--address / address).`
        : `"${address}" is not an email address.`,
    );
  return chosen;
}

// A real server on a loopback port over a real SQLite store in a temporary folder, with the keys
// and inboxes the endpoint tests need.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RATE_LIMITS, type PlanId, type Scope } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import type { ConnectDeps } from "../../src/admin/connect-inbox.js";
import { buildApp, type AppOptions } from "../../src/app.js";
import type { RateWindows } from "../../src/limits/rate-limit.js";
import { defaultOriginPolicy } from "../../src/mcp/origin-guard.js";
import type { MailProvider } from "../../src/providers/provider.js";
import { createProviderRegistry, type ProviderRegistryOptions } from "../../src/providers/registry.js";
import { LOOPBACK_MAIL_NETWORK } from "./dovecot-rig.js";
import type { InboxRecord, Store } from "../../src/store/store.js";
import type { SignupMode } from "../../src/dashboard/accounts/signup-policy.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";

export interface TestServer {
  url: string;
  store: Store;
  app: FastifyInstance;
  workspaceId: string;
  inbox: InboxRecord;
  siblingInbox: InboxRecord;
  otherWorkspaceInbox: InboxRecord;
  /** The inboxes of options.inboxes, in order, in the test workspace. */
  extraInboxes: InboxRecord[];
  keys: { full: string; readOnly: string; sendOnly: string; live: string; otherWorkspace: string };
  close(): Promise<void>;
}

export type StoreKind = "sqlite" | "redis";

/** The store adapters the endpoint tests run on: Redis too wherever scripts/test.sh started it (always in CI). */
export function availableStores(): StoreKind[] {
  if (process.env.REDIS_URL) return ["sqlite", "redis"];
  if (process.env.CI)
    throw new Error("CI is set but REDIS_URL is not: run the tests through scripts/test.sh, which starts Redis.");
  return ["sqlite"];
}

export interface TestServerOptions {
  store?: StoreKind;
  plan?: PlanId;
  sendsPerDay?: number;
  rateWindows?: RateWindows;
  /** Replaces the provider of every inbox, to stage provider failures. */
  provider?: (inbox: InboxRecord, real: MailProvider) => MailProvider;
  /** OAuth apps and IMAP pool settings of the provider registry. */
  registry?: ProviderRegistryOptions;
  /** More inboxes of the test workspace, such as an IMAP, Gmail or Outlook inbox (mode live unless said). */
  inboxes?: Array<Pick<InboxRecord, "kind" | "addresses" | "secret"> & { mode?: InboxRecord["mode"] }>;
  /** Serves the OAuth callbacks (and lets the test connect mailboxes) with these. */
  connect?: ConnectDeps;
  /** Who may sign up in the dashboard (served by every test server); default open. */
  signup?: SignupMode;
  /** Dashboard accounts that are the server's operators. */
  operators?: string[];
  /** Options of the OAuth authorization server (served with the dashboard). */
  oauth?: AppOptions["oauth"];
  /** The server's own mail relay (emailed approval links), with the public URL its links name. */
  systemMail?: AppOptions["systemMail"];
  publicUrl?: string;
  /** The dashboard's secret key (random when left out), for tests that sign what the server signs. */
  secretKey?: Buffer;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-server-"));
  const store =
    options.store === "redis"
      ? await openRedisStore({ url: process.env.REDIS_URL ?? "", dataDir, keyPrefix: `mcpe-test-${randomUUID()}:` })
      : await openSqliteStore({ dataDir });
  const plan = options.plan ?? "pro";
  const workspace = await createWorkspace(store, {
    name: "Test",
    plan,
    sendsPerDay: options.sendsPerDay ?? (plan === "enterprise" ? 1000 : null),
  });
  const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
  const siblingInbox = await addSandboxInbox(store, { workspaceId: workspace.id });
  const other = await createWorkspace(store, { name: "Other", plan: "pro" });
  const otherWorkspaceInbox = await addSandboxInbox(store, { workspaceId: other.id });
  const extraInboxes: InboxRecord[] = [];
  for (const extra of options.inboxes ?? []) {
    extraInboxes.push(
      await store.createInbox({
        workspaceId: workspace.id,
        mode: extra.mode ?? "live",
        kind: extra.kind,
        addresses: extra.addresses,
        secret: extra.secret,
      }),
    );
  }
  const key = async (workspaceId: string, scopes: Scope[], mode: "test" | "live" = "test") =>
    (await createApiKey(store, { workspaceId, scopes, mode })).key;
  const keys = {
    full: await key(workspace.id, ["read:email", "send:email", "draft:email"]),
    readOnly: await key(workspace.id, ["read:email"]),
    sendOnly: await key(workspace.id, ["send:email"]),
    live: await key(workspace.id, ["read:email", "send:email", "draft:email"], "live"),
    otherWorkspace: await key(other.id, ["read:email", "send:email"]),
  };
  // Every mail server a test dials (Dovecot, the relays) is on loopback.
  const registry = createProviderRegistry(store, { mailNetwork: LOOPBACK_MAIL_NETWORK, ...options.registry });
  const app = await buildApp({
    store,
    providerFor: options.provider
      ? (record) => (options.provider as NonNullable<TestServerOptions["provider"]>)(record, registry(record))
      : registry,
    originPolicy: defaultOriginPolicy(),
    rateWindows: options.rateWindows ?? RATE_LIMITS.windows,
    connect: options.connect,
    dashboard: {
      secretKey: options.secretKey ?? randomBytes(32),
      signup: options.signup ?? "open",
      publicUrl: options.publicUrl,
      operators: options.operators,
    },
    oauth: options.oauth,
    systemMail: options.systemMail,
    // MCPEMAILS_TEST_LOG=1 shows the server's log while debugging a test.
    logger: process.env.MCPEMAILS_TEST_LOG ? { level: "debug" } : false,
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url: `${address}/mcp`,
    store,
    app,
    workspaceId: workspace.id,
    inbox,
    siblingInbox,
    otherWorkspaceInbox,
    extraInboxes,
    keys,
    async close() {
      await app.close();
      await registry.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface PostOptions {
  key?: string | null;
  headers?: Record<string, string>;
  revision?: string;
}

/** A raw JSON-RPC POST, as any HTTP client would send it. */
export async function post(
  server: TestServer,
  body: unknown,
  options: PostOptions = {},
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...options.headers,
  };
  const key = options.key === undefined ? server.keys.full : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.revision !== undefined) headers["mcp-protocol-version"] = options.revision;
  const response = await fetch(server.url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** A raw POST on the revision whose tool results carry structuredContent. */
export const postStructured = (server: TestServer, body: unknown, options: PostOptions = {}) =>
  post(server, body, { revision: "2025-06-18", ...options });

export function toolCall(name: string, args: unknown, id: number | string = 1) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

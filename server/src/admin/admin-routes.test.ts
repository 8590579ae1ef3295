import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_KEY_PATTERN, RATE_LIMITS } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { defaultOriginPolicy } from "../mcp/origin-guard.js";
import { createProviderRegistry } from "../providers/registry.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { recordingConnectDeps } from "../../test/support/recording-connect-deps.js";
import { firstRun, firstRunMessage } from "./first-run.js";

const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
let dataDir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-admin-"));
  store = await openSqliteStore({ dataDir });
  app = await buildApp({
    store,
    providerFor: createProviderRegistry(store),
    originPolicy: defaultOriginPolicy(),
    rateWindows: RATE_LIMITS.windows,
    adminToken: ADMIN_TOKEN,
  });
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object, token = ADMIN_TOKEN) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, host: "127.0.0.1" },
    ...(payload ? { payload } : {}),
  });

describe("the admin API", () => {
  it("refuses a request without the admin token", async () => {
    expect((await admin("GET", "/admin/workspaces", undefined, "wrong")).statusCode).toBe(401);
  });

  it("does what the CLI does: workspace, key, sandbox inbox, revoke", async () => {
    const workspace = await admin("POST", "/admin/workspaces", { name: "Acme", plan: "pro" });
    expect(workspace.statusCode).toBe(201);
    const { workspace_id } = workspace.json<{ workspace_id: string }>();
    const key = await admin("POST", `/admin/workspaces/${workspace_id}/keys`, { scopes: ["read:email"], test: true });
    expect(key.json<{ key: string }>().key).toMatch(API_KEY_PATTERN);
    const inbox = await admin("POST", `/admin/workspaces/${workspace_id}/inboxes`, { kind: "sandbox" });
    expect(inbox.statusCode).toBe(201);
    expect((await admin("GET", `/admin/inboxes?workspace=${workspace_id}`)).json()).toEqual([
      expect.objectContaining({ inbox_id: inbox.json<{ inbox_id: string }>().inbox_id }),
    ]);
    expect((await admin("DELETE", `/admin/keys/${key.json<{ key_id: string }>().key_id}`)).statusCode).toBe(204);
    expect((await admin("GET", `/admin/workspaces/${workspace_id}/keys`)).json()).toEqual([
      expect.objectContaining({ revoked_at: expect.any(String) }),
    ]);
  });

  it("validates bodies with the TypeBox schemas and says what is wrong", async () => {
    const response = await admin("POST", "/admin/workspaces", { name: "X", plan: "gold" });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toMatch(/plan/);
    expect((await admin("POST", "/admin/workspaces/nope/keys", { scopes: ["read:email"] })).json()).toEqual({
      error: "No workspace nope.",
    });
  });

  it("changes a workspace's limits with PATCH, null returning one to the plan's or the server's", async () => {
    const { workspace_id } = (await admin("POST", "/admin/workspaces", { name: "Limits" })).json<{
      workspace_id: string;
    }>();
    const patched = await admin("PATCH", `/admin/workspaces/${workspace_id}`, {
      rate_limits: "5000/minute",
      calls_per_month: 1_000_000,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toEqual({
      workspace_id,
      name: "Limits",
      plan: "free",
      rate_limits: { minute: 5000 },
      calls_per_month: 1_000_000,
      sends_per_day: null,
    });
    expect((await admin("PATCH", `/admin/workspaces/${workspace_id}`, { rate_limits: null })).json()).toMatchObject({
      rate_limits: null,
      calls_per_month: 1_000_000,
    });
    const refused = await admin("PATCH", `/admin/workspaces/${workspace_id}`, { rate_limits: "5000/week" });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: string }>().error).toMatch(/rate_limits: "5000\/week" is not a window/);
    expect((await admin("PATCH", `/admin/workspaces/${workspace_id}`, { calls_per_month: -5 })).statusCode).toBe(400);
    expect((await admin("PATCH", `/admin/workspaces/${workspace_id}`, { plan: "pro" })).statusCode).toBe(400);
  });

  it("describes itself as OpenAPI", async () => {
    const spec = (await admin("GET", "/admin/openapi.json")).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/admin/workspaces", "/admin/workspaces/{workspaceId}/keys", "/admin/keys/{id}"]),
    );
  });
});

describe("connecting real mailboxes through the admin API and the OAuth callback", () => {
  let connected: FastifyInstance;
  const connect = recordingConnectDeps();
  beforeAll(async () => {
    connected = await buildApp({
      store,
      providerFor: createProviderRegistry(store),
      originPolicy: defaultOriginPolicy(),
      rateWindows: RATE_LIMITS.windows,
      adminToken: ADMIN_TOKEN,
      connect,
    });
  });
  afterAll(() => connected.close());
  const call = (method: "GET" | "POST", url: string, payload?: object) =>
    connected.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, host: "127.0.0.1" },
      ...(payload ? { payload } : {}),
    });

  it("adds an IMAP inbox from its settings, answering its id and never the password", async () => {
    const { workspace_id } = (await call("POST", "/admin/workspaces", { name: "Imap" })).json<{
      workspace_id: string;
    }>();
    const body = {
      imap_host: "127.0.0.1",
      imap_port: 10143,
      smtp_host: "127.0.0.1",
      smtp_port: 2525,
      user: "zoe@imap.example",
      password: "correct horse",
    };
    const added = await call("POST", `/admin/workspaces/${workspace_id}/inboxes/imap`, body);
    expect([added.statusCode, added.body]).toEqual([201, expect.any(String)]);
    expect(added.body).not.toContain("correct horse");
    expect(await store.getInbox(added.json<{ inbox_id: string }>().inbox_id)).toMatchObject({
      kind: "imap",
      addresses: ["zoe@imap.example"],
    });
    expect(
      (await call("POST", `/admin/workspaces/${workspace_id}/inboxes/imap`, { ...body, imap_port: 0 })).json(),
    ).toEqual({ error: "body/imap_port must be >= 1" });
  });

  it("gives the consent URL, and the callback stores the grant and says which inbox it connected", async () => {
    const { workspace_id } = (await call("POST", "/admin/workspaces", { name: "OAuth" })).json<{
      workspace_id: string;
    }>();
    const { consent_url } = (
      await call("POST", `/admin/workspaces/${workspace_id}/inboxes/connect`, { kind: "gmail" })
    ).json<{ consent_url: string }>();
    const link = new URL(consent_url);
    expect(link.pathname).toBe("/oauth/google/start");
    const state = link.searchParams.get("state") ?? "";
    const start = await connected.inject({ url: `${link.pathname}${link.search}`, headers: { host: "127.0.0.1" } });
    expect(start.statusCode).toBe(302);
    expect(start.headers.location).toMatch(/^https:\/\/accounts\.example\/consent\?state=/u);
    const cookie = String(start.headers["set-cookie"]).split(";")[0] ?? "";
    expect(String(start.headers["set-cookie"])).toMatch(/HttpOnly/u);
    expect(String(start.headers["set-cookie"])).toMatch(/SameSite=Lax/u);
    const callback = await connected.inject({
      url: `/oauth/google/callback?code=abc&state=${encodeURIComponent(state)}`,
      headers: { host: "127.0.0.1", cookie },
    });
    expect(callback.statusCode).toBe(200);
    const [inbox] = await store.listInboxes(workspace_id);
    expect(callback.body).toBe(`Connected zoe@gmail.example as inbox ${inbox?.id}. You can close this window.\n`);
    expect(callback.body).not.toContain("refresh-for-abc");
  });

  it("connects a mailbox as an IMAP/SMTP inbox signing in with the consent when asked (via imap), through the same callback", async () => {
    const { workspace_id } = (await call("POST", "/admin/workspaces", { name: "XOAUTH2" })).json<{
      workspace_id: string;
    }>();
    const { consent_url } = (
      await call("POST", `/admin/workspaces/${workspace_id}/inboxes/connect`, { kind: "outlook", via: "imap" })
    ).json<{ consent_url: string }>();
    const link = new URL(consent_url);
    const start = await connected.inject({ url: `${link.pathname}${link.search}`, headers: { host: "127.0.0.1" } });
    expect(start.headers.location).toMatch(/^https:\/\/microsoft\.example\/imap-consent\?state=/u);
    const cookie = String(start.headers["set-cookie"]).split(";")[0] ?? "";
    const state = link.searchParams.get("state") ?? "";
    const callback = await connected.inject({
      url: `/oauth/microsoft/callback?code=xyz&state=${encodeURIComponent(state)}`,
      headers: { host: "127.0.0.1", cookie },
    });
    expect(callback.statusCode).toBe(200);
    const [inbox] = await store.listInboxes(workspace_id);
    expect(inbox).toMatchObject({ kind: "imap", addresses: ["zoe@microsoft-imap.example"] });
    expect(callback.body).not.toContain("refresh-for-xyz");
    expect(
      (
        await call("POST", `/admin/workspaces/${workspace_id}/inboxes/connect`, { kind: "outlook", via: "pop3" })
      ).json(),
    ).toMatchObject({ error: expect.stringContaining("via") });
  });

  it("answers 400 with the reason for a refused consent or a forged state, connecting nothing", async () => {
    const refused = await connected.inject({
      url: "/oauth/microsoft/callback?error=access_denied&state=x",
      headers: { host: "127.0.0.1" },
    });
    expect([refused.statusCode, refused.body]).toEqual([
      400,
      "The consent was not given (access_denied); nothing was connected.\n",
    ]);
    const forged = await connected.inject({
      url: "/oauth/microsoft/callback?code=abc&state=forged.state",
      headers: { host: "127.0.0.1" },
    });
    expect([forged.statusCode, forged.body]).toEqual([
      400,
      "Nothing was connected: the state parameter was not issued by this server.\n",
    ]);
  });

  it("refuses real mailboxes on a server built without connection support, saying so", async () => {
    const { workspace_id } = (await admin("POST", "/admin/workspaces", { name: "NoConnect" })).json<{
      workspace_id: string;
    }>();
    expect(
      (await admin("POST", `/admin/workspaces/${workspace_id}/inboxes/connect`, { kind: "outlook" })).json(),
    ).toEqual({ error: "This server cannot connect real mailboxes; only sandbox inboxes can be added." });
    expect(
      (await app.inject({ url: "/oauth/google/callback?code=a&state=b", headers: { host: "127.0.0.1" } })).statusCode,
    ).toBe(404);
  });
});

describe("health and metrics", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });
  });

  it("exposes per-tool latency and error codes to Prometheus", async () => {
    await app.inject({
      method: "POST",
      url: "/mcp",
      headers: { authorization: "Bearer nope", host: "127.0.0.1", "content-type": "application/json" },
      payload: "{}",
    });
    const text = (await app.inject({ url: "/metrics" })).body;
    expect(text).toContain("mcpemails_tool_call_duration_seconds");
    expect(text).toContain("mcpemails_rate_limit_rejections_total");
  });
});

describe("the first start", () => {
  it("creates a workspace, a seeded sandbox inbox and a test key once, and prints ready-to-paste configs", async () => {
    const fresh = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-first-")) });
    const run = await firstRun(fresh);
    expect(run?.key).toMatch(/^mcpe_test_/);
    expect(await firstRun(fresh)).toBeUndefined();
    const message = firstRunMessage(run as NonNullable<typeof run>, "http://127.0.0.1:3000/mcp");
    expect(message).toContain(run?.inboxId);
    expect(message).toContain(run?.key);
    // Claude Desktop through mcp-remote (its config file runs local servers only), not a url + auth entry.
    expect(message).toContain('"mcp-remote"');
    expect(message).not.toContain('"auth"');
    expect(message).toContain('claude mcp add --transport http mcpemails "http://127.0.0.1:3000/mcp"');
    expect(message).toContain('curl -s "http://127.0.0.1:3000/mcp"');
    expect(message).toContain("http://127.0.0.1:3000/dashboard/connect");
    await fresh.close();
  });
});

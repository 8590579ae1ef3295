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
import { firstRun, firstRunMessage } from "./first-run.js";

const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
let dataDir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-admin-"));
  store = await openSqliteStore({ dataDir });
  app = await buildApp({ store, providerFor: createProviderRegistry(store), originPolicy: defaultOriginPolicy(), rateWindows: RATE_LIMITS.windows, adminToken: ADMIN_TOKEN });
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = (method: "GET" | "POST" | "DELETE", url: string, payload?: object, token = ADMIN_TOKEN) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}`, host: "127.0.0.1" }, ...(payload ? { payload } : {}) });

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
    expect((await admin("GET", `/admin/inboxes?workspace=${workspace_id}`)).json()).toEqual([expect.objectContaining({ inbox_id: inbox.json<{ inbox_id: string }>().inbox_id })]);
    expect((await admin("DELETE", `/admin/keys/${key.json<{ key_id: string }>().key_id}`)).statusCode).toBe(204);
    expect((await admin("GET", `/admin/workspaces/${workspace_id}/keys`)).json()).toEqual([expect.objectContaining({ revoked_at: expect.any(String) })]);
  });

  it("validates bodies with the TypeBox schemas and says what is wrong", async () => {
    const response = await admin("POST", "/admin/workspaces", { name: "X", plan: "gold" });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toMatch(/plan/);
    expect((await admin("POST", "/admin/workspaces/nope/keys", { scopes: ["read:email"] })).json()).toEqual({ error: "No workspace nope." });
  });

  it("describes itself as OpenAPI", async () => {
    const spec = (await admin("GET", "/admin/openapi.json")).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/admin/workspaces", "/admin/workspaces/{workspaceId}/keys", "/admin/keys/{id}"]));
  });
});

describe("health and metrics", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });
  });

  it("exposes per-tool latency and error codes to Prometheus", async () => {
    await app.inject({ method: "POST", url: "/mcp", headers: { authorization: "Bearer nope", host: "127.0.0.1", "content-type": "application/json" }, payload: "{}" });
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
    expect(message).toContain('"mcpServers"');
    expect(message).toContain("curl -s http://127.0.0.1:3000/mcp");
    await fresh.close();
  });
});

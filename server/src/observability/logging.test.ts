import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { RATE_LIMITS } from "@mcpemails/generated";
import { describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../admin/operations.js";
import { beginOAuthConnect } from "../admin/connect-inbox.js";
import { buildApp, REDACTED_PATHS } from "../app.js";
import { recordingConnectDeps } from "../../test/support/recording-connect-deps.js";
import { defaultOriginPolicy } from "../mcp/origin-guard.js";
import { createProviderRegistry } from "../providers/registry.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";

describe("the server's log", () => {
  it("holds no API key, whether the key is good, bad or revoked, and no detail of an internal fault's request", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-log-"));
    const store = await openSqliteStore({ dataDir });
    const workspace = await createWorkspace(store, { name: "Log", plan: "pro" });
    const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
    const { key, record } = await createApiKey(store, {
      workspaceId: workspace.id,
      scopes: ["read:email", "send:email"],
      mode: "test",
    });
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const registry = createProviderRegistry(store);
    const app = await buildApp({
      store,
      providerFor: (record) => ({
        ...registry(record),
        read_email: async () => {
          throw new Error("provider exploded");
        },
      }),
      originPolicy: defaultOriginPolicy(),
      rateWindows: RATE_LIMITS.windows,
      logger: { level: "trace", redact: REDACTED_PATHS, stream },
    });
    const call = (bearer: string, name: string, args: object) =>
      app.inject({
        method: "POST",
        url: "/mcp",
        headers: { authorization: `Bearer ${bearer}`, host: "127.0.0.1", "content-type": "application/json" },
        payload: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
      });
    await call(key, "list_inbox", { inbox_id: inbox.id });
    await call(key, "read_email", { inbox_id: inbox.id, message_id: "x" });
    await call(`mcpe_test_${"Z".repeat(32)}`, "list_inbox", { inbox_id: inbox.id });
    await store.revokeApiKey(record.id);
    await call(key, "list_inbox", { inbox_id: inbox.id });
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });

    const log = lines.join("");
    expect(lines.length).toBeGreaterThan(4);
    expect(log).toContain("tools/call failed");
    expect(log).not.toContain(key);
    expect(log).not.toContain("Z".repeat(32));
    expect(log).not.toMatch(/mcpe_(live|test)_[A-Za-z0-9]{32}/);
  });

  it("holds no OAuth code or state: requests are logged by their path, without the query", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-log-"));
    const store = await openSqliteStore({ dataDir });
    const workspace = await createWorkspace(store, { name: "Log", plan: "pro" });
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const connect = recordingConnectDeps();
    const app = await buildApp({
      store,
      providerFor: createProviderRegistry(store),
      originPolicy: defaultOriginPolicy(),
      rateWindows: RATE_LIMITS.windows,
      connect,
      logger: { level: "trace", redact: REDACTED_PATHS, stream },
    });
    const link = new URL(await beginOAuthConnect(store, connect, { workspaceId: workspace.id, kind: "gmail" }));
    const state = link.searchParams.get("state") ?? "";
    const start = await app.inject({ url: `${link.pathname}${link.search}`, headers: { host: "127.0.0.1" } });
    const code = "4/0AanRRrsecret-authorization-code";
    await app.inject({
      url: `/oauth/google/callback?code=${code}&state=${encodeURIComponent(state)}`,
      headers: { host: "127.0.0.1", cookie: String(start.headers["set-cookie"]).split(";")[0] ?? "" },
    });
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });

    const log = lines.join("");
    expect(log).toContain('"url":"/oauth/google/callback"');
    expect(log).not.toContain(code);
    expect(log).not.toContain(state.slice(0, 20));
  });
});

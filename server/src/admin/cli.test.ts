import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { API_KEY_PATTERN, RATE_LIMITS } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { defaultOriginPolicy } from "../mcp/origin-guard.js";
import { createProviderRegistry } from "../providers/registry.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { runCli } from "./cli.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
let dataDir: string;
let store: Store;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-cli-"));
  store = await openSqliteStore({ dataDir });
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, store, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("pnpm cli", () => {
  it("creates a workspace, a key shown once in the spec's format, and a sandbox inbox, as JSON", async () => {
    const workspace = await cli("workspace", "create", "--name", "Acme", "--plan", "pro", "--json");
    expect(workspace.code).toBe(0);
    const { workspace_id } = JSON.parse(workspace.out) as { workspace_id: string };

    const key = JSON.parse((await cli("key", "create", "--workspace", workspace_id, "--scopes", "read:email,send:email", "--test", "--json")).out) as { key_id: string; key: string };
    expect(key.key).toMatch(API_KEY_PATTERN);
    expect(key.key.startsWith("mcpe_test_")).toBe(true);
    const listed = (await cli("key", "list", "--workspace", workspace_id, "--json")).out;
    expect(listed).not.toContain(key.key);
    expect(JSON.parse(listed)).toEqual([expect.objectContaining({ key_id: key.key_id, mode: "test", scopes: ["read:email", "send:email"], revoked_at: null })]);

    const inbox = JSON.parse((await cli("inbox", "add", "sandbox", "--workspace", workspace_id, "--json")).out) as { inbox_id: string };
    expect(inbox.inbox_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await cli("inbox", "list", "--workspace", workspace_id, "--json")).out)).toEqual([expect.objectContaining({ inbox_id: inbox.inbox_id, kind: "sandbox", mode: "test" })]);
    expect((await cli("inbox", "remove", inbox.inbox_id)).code).toBe(0);
    expect(JSON.parse((await cli("inbox", "list", "--workspace", workspace_id, "--json")).out)).toEqual([]);
  });

  it("says what is wrong with bad input, and exits 2", async () => {
    expect(await cli("workspace", "create", "--name", "X", "--plan", "gold")).toMatchObject({ code: 2, err: expect.stringContaining('Unknown plan "gold"') });
    expect(await cli("key", "create", "--workspace", "nope", "--scopes", "read:email")).toMatchObject({ code: 2, err: expect.stringContaining("No workspace nope") });
    expect(await cli("key", "create", "--workspace", "nope", "--scopes", "write:email")).toMatchObject({ code: 2, err: expect.stringContaining('Unknown scope "write:email"') });
    expect(await cli("workspace", "create", "--name", "Big", "--plan", "enterprise")).toMatchObject({ code: 2, err: expect.stringContaining("--sends-per-day") });
    expect(await cli("key", "revoke", "no-such-key")).toMatchObject({ code: 2, err: expect.stringContaining("No key no-such-key") });
    expect((await cli("frobnicate")).code).toBe(2);
  });

  it("revokes a key from another process, and the running server refuses it at once", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "Live", "--json")).out) as { workspace_id: string };
    const { key_id, key } = JSON.parse((await cli("key", "create", "--workspace", workspace_id, "--scopes", "read:email", "--json")).out) as { key_id: string; key: string };
    const app = await buildApp({ store, providerFor: createProviderRegistry(store), originPolicy: defaultOriginPolicy(), rateWindows: RATE_LIMITS.windows });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const ping = () =>
      fetch(`${address}/mcp`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) }).then((r) => r.status);
    try {
      expect(await ping()).toBe(200);
      execFileSync(join(root, "node_modules/.bin/tsx"), ["server/src/admin/cli-main.ts", "key", "revoke", key_id], { cwd: root, env: { ...process.env, MCPEMAILS_DATA_DIR: dataDir, REDIS_URL: "" }, stdio: "pipe" });
      expect(await ping()).toBe(401);
    } finally {
      await app.close();
    }
  });
});

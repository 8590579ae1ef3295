// pnpm cli send-policy and send-log against a real SQLite store.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { SendDecisionEntry, Store } from "../store/store.js";
import { runCli } from "./cli.js";
import { createApiKey } from "./operations.js";

let dataDir: string;
let store: Store;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-send-policy-cli-"));
  store = await openSqliteStore({ dataDir });
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, store, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err: err.join("\n") };
}

describe("pnpm cli send-policy", () => {
  it("sets a workspace's default and a key's own policy from JSON, shows and clears them", async () => {
    const workspace = await store.createWorkspace({ name: "Acme", plan: "pro" });
    const { record } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["send:email"], mode: "live" });
    const set = await cli(
      "send-policy",
      "set",
      "--workspace",
      workspace.id,
      "--policy",
      '{"blockRecipients":["@Rival.example"],"maxRecipients":10}',
    );
    expect(set.code).toBe(0);
    expect((await store.getWorkspace(workspace.id))?.sendPolicy).toMatchObject({
      blockRecipients: ["rival.example"],
      maxRecipients: 10,
    });
    const file = join(dataDir, "policy.json");
    writeFileSync(file, '{"noAttachments":true}');
    expect(
      (await cli("send-policy", "set", "--workspace", workspace.id, "--key", record.id, "--policy-file", file)).code,
    ).toBe(0);
    const shown = await cli("send-policy", "show", "--workspace", workspace.id, "--key", record.id);
    expect(JSON.parse(shown.out[0]!)).toMatchObject({ noAttachments: true, blockRecipients: [] });
    expect((await cli("send-policy", "clear", "--workspace", workspace.id, "--key", record.id)).code).toBe(0);
    expect((await store.listApiKeys(workspace.id))[0]?.sendPolicy).toBeNull();
    expect((await store.getWorkspace(workspace.id))?.sendPolicy).not.toBeNull();
  });

  it("refuses a bad policy naming what is wrong, and changes nothing", async () => {
    const workspace = await store.createWorkspace({ name: "Beta", plan: "pro" });
    const bad = await cli(
      "send-policy",
      "set",
      "--workspace",
      workspace.id,
      "--policy",
      '{"allowRecipients":["not an address"]}',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('allowRecipients[0]: "not an address" is neither an email address nor a domain');
    expect((await cli("send-policy", "set", "--workspace", workspace.id, "--policy", "{")).err).toContain("not JSON");
    const otherKey = await cli("send-policy", "show", "--workspace", workspace.id, "--key", "k-nowhere");
    expect(otherKey.err).toContain(`No key k-nowhere in workspace ${workspace.id}`);
    expect((await store.getWorkspace(workspace.id))?.sendPolicy).toBeNull();
  });
});

describe("pnpm cli send-log", () => {
  it("prints every decision as one JSON line, newest first, across pages", async () => {
    const workspace = await store.createWorkspace({ name: "Gamma", plan: "pro" });
    const entries: SendDecisionEntry[] = Array.from({ length: 1_201 }, (_, i) => ({
      workspaceId: workspace.id,
      at: new Date(Date.UTC(2026, 11, 5, 0, 0, i)).toISOString(),
      keyId: "k1",
      inboxId: "i1",
      tool: "send_email",
      decision: i % 2 === 0 ? "allowed" : "refused",
      rule: i % 2 === 0 ? null : "recipient_blocked",
      recipients: [`r${i}@example.com`],
      outcome: i % 2 === 0 ? "accepted" : "send_policy_refused",
      messageId: null,
    }));
    for (const entry of entries) await store.recordSendDecision(entry);
    const all = await cli("send-log", "--workspace", workspace.id);
    expect(all.code).toBe(0);
    const lines = all.out.map((line) => JSON.parse(line) as SendDecisionEntry & { seq: number });
    expect(lines.map(({ seq: _seq, ...entry }) => entry)).toEqual(entries.toReversed());
    expect((await cli("send-log", "--workspace", workspace.id, "--limit", "3")).out).toHaveLength(3);
  });
});

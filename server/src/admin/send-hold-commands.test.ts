// pnpm cli send-hold against a real SQLite store and the sandbox provider: a held send is listed
// without its content, approved from the CLI (and sent once, into SENT), or rejected (nothing sent).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { InboxRecord, Store } from "../store/store.js";
import { runCli } from "./cli.js";
import { addSandboxInbox, createApiKey } from "./operations.js";

let dataDir: string;
let store: Store;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-send-hold-cli-"));
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

async function heldSend(subject: string): Promise<{ workspaceId: string; inbox: InboxRecord; holdId: string }> {
  const workspace = await store.createWorkspace({ name: "Acme", plan: "pro" });
  const { record } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["send:email"], mode: "test" });
  const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
  const holdId = `h-${subject.toLowerCase().replace(/\W/gu, "")}`;
  await store.createSendHold({
    id: holdId,
    workspaceId: workspace.id,
    inboxId: inbox.id,
    keyId: record.id,
    tool: "send_email",
    args: {
      inbox_id: inbox.id,
      to: ["alice@example.com"],
      cc: [],
      bcc: [],
      attachments: [],
      subject,
      body: "Secret body",
    },
    recipients: ["alice@example.com"],
    heldAt: new Date().toISOString(),
    sendAt: null,
  });
  return { workspaceId: workspace.id, inbox, holdId };
}

const sentSubjects = async (inbox: InboxRecord) =>
  (await store.listSandboxSummaries(inbox.id, "SENT")).map((summary) => (summary.data as { subject: string }).subject);

describe("pnpm cli send-hold", () => {
  it("lists holds without their content, and approving one sends it once", async () => {
    const { workspaceId, inbox, holdId } = await heldSend("Quarterly numbers");
    const listed = await cli("send-hold", "list", "--workspace", workspaceId, "--pending");
    expect(listed.code).toBe(0);
    expect(listed.out.map((line) => JSON.parse(line) as object)).toEqual([
      expect.objectContaining({ id: holdId, status: "pending_approval", recipients: ["alice@example.com"] }),
    ]);
    expect(listed.out.join("\n")).not.toContain("Secret body");

    const approved = await cli("send-hold", "approve", "--workspace", workspaceId, "--hold", holdId, "--by", "ops");
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.out[0]!)).toMatchObject({ status: "sent", decidedBy: "ops", outcome: { sent: true } });
    expect(await sentSubjects(inbox)).toContain("Quarterly numbers");

    const again = await cli("send-hold", "approve", "--workspace", workspaceId, "--hold", holdId);
    expect(again).toMatchObject({
      code: 2,
      err: `error: Nothing was decided: held send ${holdId} is no longer waiting (it is sent).`,
    });
    expect((await sentSubjects(inbox)).filter((subject) => subject === "Quarterly numbers")).toHaveLength(1);
  });

  it("rejects a hold, sending nothing; an unknown hold is named", async () => {
    const { workspaceId, inbox, holdId } = await heldSend("Wire the money");
    const rejected = await cli("send-hold", "reject", "--workspace", workspaceId, "--hold", holdId);
    expect(JSON.parse(rejected.out[0]!)).toMatchObject({ status: "rejected", decidedBy: "cli" });
    expect(await sentSubjects(inbox)).not.toContain("Wire the money");
    expect(await cli("send-hold", "reject", "--workspace", workspaceId, "--hold", "h-nope")).toMatchObject({
      code: 2,
      err: "error: Nothing was decided: no held send h-nope in this workspace.",
    });
  });
});

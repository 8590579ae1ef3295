// A hold sealed under a secret key since replaced: its message can no longer be opened, so it is
// still listed and can be decided, but approving it fails with the reason and sends nothing, and
// the Approvals page says so instead of failing.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { approvalsPage } from "../dashboard/views/approvals-page.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { createSendApprovals } from "./send-approvals.js";

const opened: Store[] = [];
let dataDir: string | undefined;
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

it("lists the hold without its message, and fails its approval by name, sending nothing", async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-rekeyed-"));
  const before = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
  opened.push(before);
  const workspace = await before.createWorkspace({ name: "Rekeyed", plan: "free" });
  await before.createSendHold({
    id: "h-0123456789abcdef01234567",
    workspaceId: workspace.id,
    inboxId: "inbox-1",
    keyId: "key-1",
    tool: "send_email",
    args: { to: ["alice@example.com"], subject: "Sealed", body: "Under the old key" },
    recipients: ["alice@example.com"],
    heldAt: "2026-12-05T10:00:00.000Z",
    sendAt: null,
  });
  await before.close();
  opened.pop();

  const after = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
  opened.push(after);
  const [hold] = await after.listSendHolds(workspace.id, { limit: 10 });
  expect(hold).toMatchObject({ id: "h-0123456789abcdef01234567", args: null, status: "pending_approval" });
  const page = approvalsPage(
    { title: "Approvals", csrfToken: "t" },
    { holds: [hold!], keyLabel: () => "k", canDecide: true },
  );
  expect(page).toContain("The held message can no longer be read");

  const approvals = createSendApprovals({
    store: after,
    providerFor: () => {
      throw new Error("nothing may be sent");
    },
    now: () => new Date(),
  });
  const decided = await approvals.approve(workspace.id, hold!.id, "owner@example.com");
  expect(decided).toMatchObject({
    ok: true,
    hold: {
      status: "failed",
      outcome: { sent: false, failure: expect.stringContaining("can no longer be read") },
    },
  });
});

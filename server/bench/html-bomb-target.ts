// The server `pnpm bench html-bomb` reads from, in a process of its own: the reference server on
// SQLite with one sandbox inbox holding an HTML nesting bomb and a 1 MB HTML-only newsletter.
// Prints one JSON line when ready.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addSandboxInbox, createApiKey, createWorkspace } from "../src/admin/operations.js";
import { RATE_LIMITS } from "@mcpemails/generated";
import { buildApp } from "../src/app.js";
import { defaultOriginPolicy } from "../src/mcp/origin-guard.js";
import { buildSandboxMessage } from "../src/providers/sandbox/sandbox-message.js";
import { createProviderRegistry } from "../src/providers/registry.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";

const depth = Number(process.env.BOMB_DEPTH ?? 500_000);
const store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-bench-")) });
const workspace = await createWorkspace(store, { name: "Bench", plan: "pro" });
const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
const { key } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email"], mode: "test" });
const raw = [
  "From: stranger@example.net",
  "Subject: Nesting bomb",
  "Content-Type: text/html; charset=utf-8",
  "",
  `${"<div>".repeat(depth)}x${"</div>".repeat(depth)}`,
].join("\r\n");
// A flat 1 MB HTML newsletter without a text part: its text and its HTML both come from the HTML.
const newsletter = [
  "From: news@example.net",
  "Subject: Newsletter",
  "Content-Type: text/html; charset=utf-8",
  "",
  "<p>News of the week, <b>in bold</b>, with <a href='https://example.net/a'>a link</a>.</p>".repeat(12_000),
].join("\r\n");
await store.putSandboxMessages([
  await buildSandboxMessage({
    inboxId: inbox.id,
    id: "bomb",
    folder: "INBOX",
    unread: true,
    threadId: "bomb",
    raw,
    receivedAt: new Date(),
  }),
  await buildSandboxMessage({
    inboxId: inbox.id,
    id: "newsletter",
    folder: "INBOX",
    unread: true,
    threadId: "newsletter",
    raw: newsletter,
    receivedAt: new Date(),
  }),
]);
const app = await buildApp({
  store,
  providerFor: createProviderRegistry(store),
  originPolicy: defaultOriginPolicy(),
  rateWindows: RATE_LIMITS.windows,
});
const base = await app.listen({ host: "127.0.0.1", port: 0 });
const body = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "read_email", arguments: { inbox_id: inbox.id, message_id: "bomb", include_html: true } },
});
const headers = {
  authorization: `Bearer ${key}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-11-25",
};
process.stdout.write(
  `${JSON.stringify({ mcpUrl: `${base}/mcp`, healthUrl: `${base}/healthz`, body, headers, bombBytes: Buffer.byteLength(raw) })}\n`,
);

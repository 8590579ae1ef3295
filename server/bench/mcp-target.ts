// The two servers `pnpm bench mcp` loads, in a process of their own: the reference server (auth,
// rate limits, quotas and store on; SQLite in a temporary folder), and a bare Fastify route that
// answers the same bytes as a list_inbox of 20 sandbox messages. Prints one JSON line when ready.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { addSandboxInbox, createApiKey, createWorkspace } from "../src/admin/operations.js";
import { buildApp } from "../src/app.js";
import { defaultOriginPolicy } from "../src/mcp/origin-guard.js";
import { createProviderRegistry } from "../src/providers/registry.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";

const store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-bench-")) });
const workspace = await createWorkspace(store, { name: "Bench", plan: "pro" });
const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
const { key } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email"], mode: "test" });
// Raised for the run, so that every request does the full rate-limit work and none is refused.
const rateWindows = [
  { name: "minute", seconds: 60, limit: 100_000_000 },
  { name: "hour", seconds: 3600, limit: 100_000_000 },
  { name: "day", seconds: 86400, limit: 100_000_000 },
] as const;
const app = await buildApp({
  store,
  providerFor: createProviderRegistry(store),
  originPolicy: defaultOriginPolicy(),
  rateWindows,
});
const mcpUrl = `${await app.listen({ host: "127.0.0.1", port: 0 })}/mcp`;

const body = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "list_inbox", arguments: { inbox_id: inbox.id, limit: 20 } },
});
const headers = {
  authorization: `Bearer ${key}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-11-25",
};
const sample = await fetch(mcpUrl, { method: "POST", headers, body });
const answer = await sample.text();
if (!sample.ok || !answer.includes('"structuredContent"'))
  throw new Error(`list_inbox failed: ${answer.slice(0, 300)}`);

const bare = Fastify();
bare.post("/echo", async (_request, reply) => reply.type("application/json").send(answer));
const bareUrl = `${await bare.listen({ host: "127.0.0.1", port: 0 })}/echo`;

process.stdout.write(`${JSON.stringify({ mcpUrl, bareUrl, body, headers, answerBytes: Buffer.byteLength(answer) })}\n`);

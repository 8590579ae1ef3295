// One server `pnpm bench mcp` loads, in a process of its own (argument: its role):
//   mcp sqlite | mcp redis   the reference server (auth, rate windows, quotas, activity log and the
//                            store on; SQLite in a temporary folder, or Redis at REDIS_URL) with a
//                            sandbox inbox of 20 messages; prints its URL, request and a sample answer;
//   bare <answer file>       a bare Fastify route answering those same bytes;
//   floor <answer file>      the least work any /mcp must do for that answer, on Fastify: the key's
//                            hash looked up, one SQLite write transaction (a rate-window hit), the
//                            page's 20 summaries read by index and parsed, the output serialized
//                            once and its JSON-RPC envelope around it. No validation, quota, risk,
//                            activity log or metrics: the ceiling of what (b) could reach.
// Prints one JSON line when ready.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import Fastify from "fastify";
import { addSandboxInbox, createApiKey, createWorkspace } from "../src/admin/operations.js";
import { buildApp } from "../src/app.js";
import { defaultOriginPolicy } from "../src/mcp/origin-guard.js";
import { createProviderRegistry } from "../src/providers/registry.js";
import { openRedisStore } from "../src/store/redis/redis-store.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";

const [role, argument] = process.argv.slice(2);

if (role === "bare") {
  const answer = readFileSync(argument ?? "", "utf8");
  const bare = Fastify();
  bare.post("/echo", async (_request, reply) => reply.type("application/json").send(answer));
  process.stdout.write(`${JSON.stringify({ url: `${await bare.listen({ host: "127.0.0.1", port: 0 })}/echo` })}\n`);
} else if (role === "floor") {
  const answer = JSON.parse(readFileSync(argument ?? "", "utf8")) as {
    result: { structuredContent: { messages: Array<{ id: string }> } & Record<string, unknown> };
  };
  const { messages, ...rest } = answer.result.structuredContent;
  const db = new Database(join(mkdtempSync(join(tmpdir(), "mcpemails-bench-floor-")), "floor.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`CREATE TABLE hits (key_id TEXT NOT NULL, at_ms INTEGER NOT NULL);
    CREATE TABLE summaries (inbox_id TEXT NOT NULL, received_ms INTEGER NOT NULL, id TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (inbox_id, received_ms, id)) WITHOUT ROWID;`);
  const insert = db.prepare("INSERT INTO summaries VALUES ('inbox', ?, ?, ?)");
  messages.forEach((message, index) => insert.run(index, message.id, JSON.stringify(message)));
  const hit = db.prepare<[string, number]>("INSERT INTO hits VALUES (?, ?)");
  const admit = db.transaction((keyId: string) => hit.run(keyId, Date.now()));
  const page = db
    .prepare<[], [string]>(
      "SELECT summary FROM summaries WHERE inbox_id = 'inbox' ORDER BY received_ms DESC, id LIMIT 20",
    )
    .raw(true);
  const keys = new Map<string, string>();
  const floor = Fastify();
  floor.post("/floor", async (request, reply) => {
    const token = (request.headers.authorization ?? "").replace(/^Bearer /u, "");
    const hash = createHash("sha256").update(token).digest("hex");
    if (!keys.has(hash)) keys.set(hash, "key");
    admit.immediate(keys.get(hash) ?? "");
    const output = { messages: page.all().map(([summary]) => JSON.parse(summary) as unknown), ...rest };
    const text = JSON.stringify(output);
    const id = (request.body as { id?: unknown }).id ?? null;
    return reply
      .type("application/json")
      .send(
        `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":${JSON.stringify(text)}}],"structuredContent":${text}}}`,
      );
  });
  process.stdout.write(`${JSON.stringify({ url: `${await floor.listen({ host: "127.0.0.1", port: 0 })}/floor` })}\n`);
} else if (role === "mcp") {
  const store = await openStore(argument);
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
    logger: false,
  });
  const url = `${await app.listen({ host: "127.0.0.1", port: 0 })}/mcp`;
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
  const sample = await fetch(url, { method: "POST", headers, body });
  const answer = await sample.text();
  if (!sample.ok || !answer.includes('"structuredContent"'))
    throw new Error(`list_inbox failed: ${answer.slice(0, 300)}`);
  process.stdout.write(`${JSON.stringify({ url, body, headers, answer })}\n`);
  // A CPU profile (node --cpu-prof) is written when the process exits normally.
  process.once("SIGTERM", () => void app.close().then(() => store.close().then(() => process.exit(0))));
} else {
  throw new Error("usage: mcp-target.ts mcp sqlite|redis | bare <answer file> | floor <answer file>");
}

async function openStore(kind: string | undefined): Promise<Store> {
  if (kind === "sqlite") return openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-bench-")) });
  if (kind === "redis") {
    const url = process.env.REDIS_URL;
    if (url === undefined) throw new Error("REDIS_URL is not set: run `bash scripts/redis.sh start` and export it");
    return openRedisStore({ url, keyPrefix: `bench-${process.pid}:`, secretKey: randomBytes(32) });
  }
  throw new Error(`unknown store "${String(kind)}": sqlite or redis`);
}

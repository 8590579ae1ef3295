// pnpm bench scale: requests per second of /mcp tools/call list_inbox (20 sandbox messages; auth,
// rate limits and the store on Redis) against one server instance, then against two instances
// sharing that Redis, in one run; load from this process, each instance in a process of its own.
// Redis: REDIS_CLUSTER_URL (preferred) or REDIS_URL, as `bash scripts/redis.sh start` prints them.
// On a machine with few cores the load generator and Redis compete with the instances: the ratio
// says how much a second instance adds here, not what it adds on separate hosts.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Cluster } from "ioredis";
import { addSandboxInbox, createApiKey, createWorkspace } from "../src/admin/operations.js";
import { connectRedis } from "../src/store/redis/redis-connection.js";
import { openRedisStore } from "../src/store/redis/redis-store.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
// (a) and (b) alternate, round after round, so that a change in the machine's other load between
// them shows as a spread between rounds rather than as a false ratio.
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const redisUrl = process.env.REDIS_CLUSTER_URL || process.env.REDIS_URL;
if (!redisUrl) {
  console.error(
    `pnpm bench scale needs Redis: eval "$(bash scripts/redis.sh start | sed 's/^/export /')" first (REDIS_CLUSTER_URL or REDIS_URL).`,
  );
  process.exit(2);
}

const keyPrefix = `mcpe-bench-${randomUUID()}:`;
const secretKey = randomBytes(32);
const store = await openRedisStore({ url: redisUrl, keyPrefix, secretKey });
const workspace = await createWorkspace(store, { name: "Bench", plan: "pro" });
const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
const { key } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email"], mode: "test" });
await store.close();

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

const children: ChildProcess[] = [];
async function startInstance(): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--conditions=@mcpemails/source", "--import", "tsx", "server/bench/scale-target.ts"],
    {
      cwd: root,
      env: {
        ...process.env,
        BENCH_REDIS_URL: redisUrl,
        BENCH_KEY_PREFIX: keyPrefix,
        BENCH_SECRET_KEY: secretKey.toString("hex"),
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) =>
      resolve((JSON.parse(line) as { mcpUrl: string }).mcpUrl),
    );
    child.once("exit", (code) => reject(new Error(`a bench instance exited with ${String(code)}`)));
  });
}

/** Load spread evenly over the URLs (the connections divided among them), all at once; requests/s summed. */
async function load(urls: string[], duration = seconds): Promise<{ rps: number; p50: number; p99: number }> {
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        method: "POST",
        headers,
        body,
        connections: Math.max(1, Math.round(connections / urls.length)),
        duration,
      }),
    ),
  );
  for (const [i, r] of results.entries())
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${urls[i]}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
  };
}

try {
  const [first, second] = await Promise.all([startInstance(), startInstance()]);
  const sample = await fetch(first!, { method: "POST", headers, body });
  const answer = await sample.text();
  if (!sample.ok || !answer.includes('"structuredContent"'))
    throw new Error(`list_inbox failed: ${answer.slice(0, 300)}`);
  await load([first!, second!], 3); // warm-up of both instances' JIT, not reported
  const row = (label: string, r: { rps: number; p50: number; p99: number }) =>
    console.log(
      `${label.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms`,
    );
  console.log(
    `${connections} connections, ${seconds} s per measurement, ${rounds} rounds, Redis ${redisUrl.startsWith("redis+cluster") ? "Cluster" : "standalone"}`,
  );
  const totals = { one: 0, two: 0 };
  for (let round = 1; round <= rounds; round++) {
    const one = await load([first!]);
    const two = await load([first!, second!]);
    totals.one += one.rps;
    totals.two += two.rps;
    row(`round ${round} (a) one instance`, one);
    row(`round ${round} (b) two instances, load split evenly`, two);
  }
  console.log(
    `mean (a) ${(totals.one / rounds).toFixed(0)} req/s, (b) ${(totals.two / rounds).toFixed(0)} req/s; ratio b/a: ${(totals.two / totals.one).toFixed(2)}`,
  );
} finally {
  for (const child of children) child.kill("SIGTERM");
  const client = await connectRedis(redisUrl);
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
      await Promise.all(keys.map((k) => client.unlink(k)));
      cursor = next;
    } while (cursor !== "0");
  }
  await client.quit();
}

// pnpm bench memory: the server process's resident memory when idle after a first start (an empty
// data dir: the server creates the default workspace and seeds its sandbox inbox), after 10,000
// tools/call list_inbox (20 sandbox messages each), and idle after a restart on the same data, for
// the compiled server run by plain node (`node server/dist/main.js`, what `pnpm start` runs) beside
// the old start from TypeScript through tsx (`tsx server/src/main.ts`), in one run. The load comes
// from autocannon's own process. Needs `pnpm build` first.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CALLS = Number(process.env.BENCH_CALLS ?? 10_000);
const IDLE_SETTLE_MS = 3_000;

interface Variant {
  label: string;
  command: string;
  args: string[];
}

const variants: Variant[] = [
  { label: "node server/dist/main.js (pnpm start)", command: process.execPath, args: ["server/dist/main.js"] },
  {
    label: "tsx server/src/main.ts (the old start)",
    command: join(root, "node_modules/.bin/tsx"),
    args: ["--conditions=@mcpemails/source", "server/src/main.ts"],
  },
];

if (!existsSync(join(root, "server/dist/main.js"))) {
  console.error("server/dist/main.js is missing: run `pnpm build` first");
  process.exit(2);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Resident set of one process, and of it with every descendant (tsx runs the server in a child). */
function rssMb(pid: number): { process: number; tree: number } {
  const own = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0) / 1024;
  const children = (p: number): number[] =>
    readdirSync(`/proc/${p}/task`).flatMap((task) =>
      readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
    );
  const tree = (p: number): number[] => [p, ...children(p).flatMap(tree)];
  const all = tree(pid);
  // The server is the process in the tree that uses the most memory (tsx's wrapper is the smaller).
  return { process: Math.max(...all.map(own)), tree: all.reduce((sum, p) => sum + own(p), 0) };
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what}: the server exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: timed out`);
}

function runLoad(url: string, key: string, inboxId: string): Promise<void> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "list_inbox", arguments: { inbox_id: inboxId, limit: 20 } },
  });
  const args = [
    ...["-a", String(CALLS), "-c", "10", "-m", "POST", "-b", body],
    ...["-H", `Authorization=Bearer ${key}`, "-H", "Content-Type=application/json"],
    ...["-H", "Accept=application/json, text/event-stream", "-j", url],
  ];
  return new Promise((resolve, reject) => {
    const load = spawn(join(root, "node_modules/.bin/autocannon"), args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    load.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    load.once("exit", () => {
      const result = JSON.parse(out) as { non2xx: number; errors: number; "2xx": number };
      if (result.non2xx > 0 || result.errors > 0 || result["2xx"] !== CALLS)
        reject(new Error(`load: ${result["2xx"]} answers 2xx, ${result.non2xx} non-2xx, ${result.errors} errors`));
      else resolve();
    });
  });
}

interface Started {
  child: ChildProcess;
  base: string;
  stdout: () => string;
}

async function start(variant: Variant, dataDir: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(variant.command, variant.args, {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      MCPEMAILS_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      MCPEMAILS_RATE_LIMITS: "1000000/minute,1000000/hour,1000000/day",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, "start", child);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { child, base, stdout: () => stdout };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

async function idle(child: ChildProcess) {
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  return rssMb(child.pid ?? 0);
}

/** Runs the server on dataDir for as long as `use` takes, then stops it. */
async function withServer<T>(variant: Variant, dataDir: string, use: (server: Started) => Promise<T>): Promise<T> {
  const server = await start(variant, dataDir);
  try {
    return await use(server);
  } finally {
    await stop(server.child);
  }
}

async function measure(variant: Variant) {
  const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-bench-memory-"));
  try {
    const first = await withServer(variant, dataDir, async ({ child, base, stdout }) => {
      await waitFor(async () => /Inbox id:\s+\S+/.test(stdout()), "first-run message", child);
      const key = /API key \(shown once\):\s+(\S+)/.exec(stdout())?.[1] ?? "";
      const inboxId = /Inbox id:\s+(\S+)/.exec(stdout())?.[1] ?? "";
      const firstIdle = await idle(child);
      const started = Date.now();
      await runLoad(`${base}/mcp`, key, inboxId);
      return { firstIdle, loaded: rssMb(child.pid ?? 0), seconds: (Date.now() - started) / 1000 };
    });
    return { ...first, restartIdle: await withServer(variant, dataDir, ({ child }) => idle(child)) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${n.toFixed(0).padStart(5)} MB`;
console.log(
  `resident memory (VmRSS), idle ${IDLE_SETTLE_MS / 1000} s after a first start (fresh data dir, seeding) and after a restart, and after ${CALLS} list_inbox`,
);
console.log(
  `${"".padEnd(42)} ${"first start".padStart(11)} ${"+wrappers".padStart(10)} ${"restart".padStart(8)} ${"after load".padStart(11)}  load time`,
);
for (const variant of variants) {
  const { firstIdle, restartIdle, loaded, seconds } = await measure(variant);
  console.log(
    `${variant.label.padEnd(42)} ${mb(firstIdle.process).padStart(11)} ${mb(firstIdle.tree).padStart(10)} ${mb(restartIdle.process)} ${mb(loaded.process).padStart(11)}  ${seconds.toFixed(1)} s`,
  );
}
console.log("goal for the compiled server: at most 120 MB idle (first start and restart) and 200 MB after the load");

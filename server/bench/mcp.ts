// pnpm bench mcp: requests per second of /mcp tools/call list_inbox (20 sandbox messages, with auth,
// rate windows, quotas, the activity log and the store on) against a bare Fastify route answering
// the same bytes, in one run, on SQLite and on Redis (when REDIS_URL is set). Every server runs in a
// process of its own and so does the load generator (autocannon's CLI), so that none of them caps
// another. BENCH_PROFILE=1 also writes a CPU profile of each /mcp server (node --cpu-prof) and
// prints its heaviest functions.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { topFrames } from "./cpu-profile-summary.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const profile = process.env.BENCH_PROFILE === "1";
const work = mkdtempSync(join(tmpdir(), "mcpemails-bench-mcp-"));

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

/** Starts a bench server in its own process; resolves with the JSON line it prints when ready. */
function startTarget<T>(args: string[], cpuProfileDir?: string): Promise<{ child: ChildProcess; ready: T }> {
  const child = spawn(
    process.execPath,
    [
      ...(cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`]),
      "--import",
      "tsx",
      "--conditions=@mcpemails/source",
      "server/bench/mcp-target.ts",
      ...args,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve({ child, ready: JSON.parse(line) as T }));
    child.once("exit", (code) => reject(new Error(`a bench server exited with ${String(code)}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** autocannon's CLI in a process of its own; its JSON result read from stdout. */
function load(url: string, headers: Record<string, string>, body: string, duration = seconds): Promise<Figures> {
  const args = ["-j", "-c", String(connections), "-d", String(duration), "-m", "POST", "-b", body];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
  const child = spawn(join(root, "node_modules/.bin/autocannon"), [...args, url], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${String(code)}`));
      const result = JSON.parse(out) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
      };
      if (result.non2xx > 0 || result.errors > 0)
        return reject(new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`));
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 });
    }),
  );
}

const row = (label: string, f: Figures) =>
  console.log(
    `  ${label.padEnd(44)} ${f.rps.toFixed(0).padStart(7)} req/s   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(3)} ms`,
  );

async function benchStore(store: "sqlite" | "redis"): Promise<void> {
  const profileDir = profile ? join(work, `profile-${store}`) : undefined;
  const mcp = await startTarget<{ url: string; body: string; headers: Record<string, string>; answer: string }>(
    ["mcp", store],
    profileDir,
  );
  const answerFile = join(work, `answer-${store}.json`);
  writeFileSync(answerFile, mcp.ready.answer);
  const bare = await startTarget<{ url: string }>(["bare", answerFile]);
  const floor = await startTarget<{ url: string }>(["floor", answerFile]);
  try {
    const { headers, body } = mcp.ready;
    // Warm-up of the servers' JIT, not reported.
    for (const url of [bare.ready.url, floor.ready.url, mcp.ready.url]) await load(url, headers, body, 3);
    const bareFigures = await load(bare.ready.url, headers, body);
    const mcpFigures = await load(mcp.ready.url, headers, body);
    const floorFigures = await load(floor.ready.url, headers, body);
    console.log(`${store}: answers of ${Buffer.byteLength(mcp.ready.answer)} bytes`);
    row("(a) bare Fastify route, same bytes", bareFigures);
    row("(b) /mcp tools/call list_inbox, limit 20", mcpFigures);
    row("(c) least work for that answer (SQLite)", floorFigures);
    console.log(
      `  ratio b/a: ${(mcpFigures.rps / bareFigures.rps).toFixed(2)} (goal 0.5); c/a: ${(floorFigures.rps / bareFigures.rps).toFixed(2)}; p99 goal < 20 ms`,
    );
  } finally {
    await Promise.all([stop(mcp.child), stop(bare.child), stop(floor.child)]);
  }
  if (profileDir !== undefined) {
    const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
    if (file === undefined) throw new Error(`no CPU profile was written to ${profileDir}`);
    const path = join(profileDir, file);
    console.log(`  CPU profile of the /mcp server: ${path}; heaviest functions (self time, share of busy samples):`);
    for (const frame of topFrames(JSON.parse(readFileSync(path, "utf8")), 15))
      console.log(`    ${frame.percent.toFixed(1).padStart(5)}%  ${frame.name}  ${frame.where}`);
  }
}

console.log(
  `${connections} connections, ${seconds} s each; load from autocannon's own process, each server in its own`,
);
await benchStore("sqlite");
if (process.env.REDIS_URL === undefined) console.log("redis: skipped (REDIS_URL is not set)");
else await benchStore("redis");

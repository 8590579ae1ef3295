// pnpm bench mcp: requests per second of /mcp tools/call list_inbox (20 sandbox messages, with
// auth, rate limits, quotas and the SQLite store on) against a bare Fastify route answering the
// same bytes, in one run, load from this process and servers in another.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const root = fileURLToPath(new URL("../../", import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

interface Target {
  mcpUrl: string;
  bareUrl: string;
  body: string;
  headers: Record<string, string>;
  answerBytes: number;
}

const child = spawn(`${root}node_modules/.bin/tsx`, ["--conditions=@mcpemails/source", "server/bench/mcp-target.ts"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
const target = await new Promise<Target>((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as Target));
  child.once("exit", (code) => reject(new Error(`the bench servers exited with ${String(code)}`)));
});

async function load(url: string): Promise<autocannon.Result> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: target.headers,
    body: target.body,
    connections,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

try {
  await load(target.bareUrl); // warm-up of both processes' JIT, not reported
  const bare = await load(target.bareUrl);
  const mcp = await load(target.mcpUrl);
  const row = (label: string, r: autocannon.Result) =>
    console.log(
      `${label.padEnd(48)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms`,
    );
  console.log(`${connections} connections, ${seconds} s each, answers of ${target.answerBytes} bytes`);
  row("(a) bare Fastify route, same bytes", bare);
  row("(b) /mcp tools/call list_inbox, limit 20", mcp);
  console.log(
    `ratio b/a: ${(mcp.requests.average / bare.requests.average).toFixed(2)} (goal 0.5; the SDK's server-per-request pattern measured about 0.14 here)`,
  );
} finally {
  child.kill();
}

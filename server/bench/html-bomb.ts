// pnpm bench html-bomb: how long read_email with include_html takes on a 500,000-deep HTML nesting
// bomb, and how long /healthz answers take meanwhile against the same server idle, in one run; the
// server in another process (BOMB_DEPTH changes the depth).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Target {
  mcpUrl: string;
  healthUrl: string;
  body: string;
  headers: Record<string, string>;
  bombBytes: number;
}

const child = spawn(
  `${root}node_modules/.bin/tsx`,
  ["--conditions=@mcpemails/source", "server/bench/html-bomb-target.ts"],
  { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
);
const target = await new Promise<Target>((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as Target));
  child.once("exit", (code) => reject(new Error(`the bench server exited with ${String(code)}`)));
});

/** /healthz latencies in ms, one request after another, until `until` says stop. */
async function healthLatencies(until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const start = performance.now();
    const response = await fetch(target.healthUrl);
    await response.arrayBuffer();
    latencies.push(performance.now() - start);
  }
  return latencies;
}

const describe = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
  return `${String(sorted.length).padStart(5)} requests   p50 ${at(0.5)} ms   p99 ${at(0.99)} ms   max ${sorted.at(-1)?.toFixed(1)} ms`;
};

async function readBomb(): Promise<{ ms: number; truncated: unknown }> {
  const start = performance.now();
  const response = await fetch(target.mcpUrl, { method: "POST", headers: target.headers, body: target.body });
  const answer = (await response.json()) as { result?: { structuredContent?: { body_html_truncated?: unknown } } };
  return { ms: performance.now() - start, truncated: answer.result?.structuredContent?.body_html_truncated };
}

try {
  await readBomb(); // warm-up: JIT, the worker's first start; not reported
  const idleUntil = performance.now() + 2_000;
  const idle = await healthLatencies(() => performance.now() > idleUntil);
  let done = false;
  const reading = readBomb().finally(() => (done = true));
  const during = await healthLatencies(() => done);
  const read = await reading;
  console.log(`nesting bomb of ${target.bombBytes} bytes, read_email include_html`);
  console.log(`read: ${read.ms.toFixed(0)} ms, body_html_truncated ${String(read.truncated)}`);
  console.log(`/healthz, server idle:        ${describe(idle)}`);
  console.log(`/healthz, during the read:    ${describe(during)}`);
} finally {
  child.kill();
}

// pnpm bench html-bomb: how long read_email with include_html takes on a 500,000-deep HTML nesting
// bomb and on a 1 MB HTML-only newsletter, and how long /healthz answers take meanwhile against the
// same server idle, in one run; the server in another process (BOMB_DEPTH changes the depth).
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

async function read(messageId = "bomb"): Promise<{ ms: number; html: number; text: number }> {
  const start = performance.now();
  const body = target.body.replace('"message_id":"bomb"', `"message_id":"${messageId}"`);
  const response = await fetch(target.mcpUrl, { method: "POST", headers: target.headers, body });
  const answer = (await response.json()) as {
    result?: { structuredContent?: { body_html?: string | null; body_text?: string } };
  };
  const content = answer.result?.structuredContent;
  return {
    ms: performance.now() - start,
    html: content?.body_html?.length ?? 0,
    text: content?.body_text?.length ?? 0,
  };
}

/** /healthz meanwhile a read: the read's figures and the latencies. */
async function during(messageId: string) {
  let done = false;
  const reading = read(messageId).finally(() => (done = true));
  const latencies = await healthLatencies(() => done);
  return { read: await reading, latencies };
}

try {
  await read(); // warm-up: JIT, the worker's first start; not reported
  const idleUntil = performance.now() + 2_000;
  const idle = await healthLatencies(() => performance.now() > idleUntil);
  const bomb = await during("bomb");
  const newsletter = await during("newsletter");
  console.log(`nesting bomb of ${target.bombBytes} bytes and a 1 MB HTML-only newsletter, read_email include_html`);
  console.log(`/healthz, server idle:                ${describe(idle)}`);
  for (const [label, run] of [
    ["bomb", bomb],
    ["newsletter", newsletter],
  ] as const) {
    console.log(
      `${label.padEnd(10)} read ${run.read.ms.toFixed(0).padStart(5)} ms (body_html ${run.read.html} chars, body_text ${run.read.text}); /healthz meanwhile: ${describe(run.latencies)}`,
    );
  }
} finally {
  child.kill();
}

// pnpm bench batch-bomb: what a hostile batch or nesting costs the reference server now, each
// against a plain ping in the same run: wall time of the answer, and the server's peak resident
// memory (VmHWM, Linux) before and after; the server runs in a process of its own.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Target {
  mcpUrl: string;
  headers: Record<string, string>;
}

// Node itself, with tsx as a loader, so that the child's pid is the server's (for its memory).
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--conditions=@mcpemails/source", "server/bench/mcp-target.ts"],
  {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const target = await new Promise<Target>((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as Target));
  child.once("exit", (code) => reject(new Error(`the bench server exited with ${String(code)}`)));
});

/** The server's peak resident memory so far, in MB. */
function peakMb(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/u.exec(status)?.[1] ?? 0) / 1024;
}

async function hit(body: string): Promise<{ ms: number; status: number; bytes: number; code: unknown }> {
  const start = performance.now();
  const response = await fetch(target.mcpUrl, {
    method: "POST",
    headers: { ...target.headers, "mcp-protocol-version": "2025-03-26" },
    body,
  });
  const text = await response.text();
  let code: unknown;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown } } | { error?: { code?: unknown } }[];
    code = Array.isArray(parsed) ? `${parsed.length} answers` : parsed.error?.code;
  } catch {
    code = "not JSON";
  }
  return { ms: performance.now() - start, status: response.status, bytes: Buffer.byteLength(text), code };
}

const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
const toolsList = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/list" });
const cases: [string, string][] = [
  ["a ping (baseline)", JSON.stringify(ping(1))],
  ["[1,1,...] of 2,000,000 elements (4 MB)", `[${new Array(2_000_000).fill("1").join(",")}]`],
  ["5,000 tools/list in one batch (235 KB)", JSON.stringify(Array.from({ length: 5_000 }, (_, i) => toolsList(i)))],
  ["20 tools/list in one batch (the limit)", JSON.stringify(Array.from({ length: 20 }, (_, i) => toolsList(i)))],
  ["1,000,000 nested arrays (2 MB)", `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`],
];

try {
  await hit(JSON.stringify(ping(0))); // warm-up, not reported
  const before = peakMb();
  console.log(`server peak memory after warm-up: ${before.toFixed(0)} MB`);
  for (const [label, body] of cases) {
    const result = await hit(body);
    console.log(
      `${label.padEnd(44)} ${result.ms.toFixed(1).padStart(8)} ms   HTTP ${result.status}   ${String(result.code).padEnd(12)} ${String(result.bytes).padStart(9)} bytes back   peak ${peakMb().toFixed(0)} MB`,
    );
  }
} finally {
  child.kill();
}

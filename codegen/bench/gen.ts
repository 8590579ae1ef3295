// pnpm bench gen: how long `pnpm gen` takes, whole process and by phase, against the bare cost of
// starting tsx in the same run (the floor no generator can go under).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createContext } from "../src/context.js";
import { generate } from "../src/generate.js";
import { loadSpecFile } from "../src/spec/load.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const specPath = join(root, "spec/mcpemails.yaml");
const runs = Number(process.env.BENCH_RUNS ?? 5);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeProcess(args: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(join(root, "node_modules/.bin/tsx"), args, { cwd: root, stdio: "pipe" });
    samples.push(performance.now() - started);
  }
  return median(samples);
}

function timeInProcess(fn: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const scratch = mkdtempSync(join(tmpdir(), "mcpemails-bench-"));
const empty = join(scratch, "empty.ts");
writeFileSync(empty, "export {};\n");
const out = join(scratch, "generated");

try {
  const baseline = timeProcess([empty]);
  const firstGen = timeProcess(["codegen/src/cli/gen.ts", "--out", out]);
  const check = timeProcess(["codegen/src/cli/gen.ts", "--check", "--out", out]);
  const load = timeInProcess(() => loadSpecFile(specPath, "spec/mcpemails.yaml"));
  const spec = loadSpecFile(specPath, "spec/mcpemails.yaml");
  const emit = timeInProcess(() => generate(spec));
  const context = timeInProcess(() => createContext(spec));

  const row = (label: string, ms: number) =>
    console.log(
      `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / baseline).toFixed(2).padStart(5)}x tsx start-up`,
    );
  console.log(`pnpm gen on this machine, median of ${runs} runs`);
  row("tsx start-up of an empty script (baseline)", baseline);
  row("pnpm gen, whole process (writes generated/)", firstGen);
  row("pnpm gen --check, whole process", check);
  row("  in process: load and check the spec", load);
  row("  in process: build the schema model", context);
  row("  in process: emit every file", emit);
  console.log(`aim: under 3000 ms for the whole process -> ${firstGen < 3000 ? "met" : "NOT met"}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

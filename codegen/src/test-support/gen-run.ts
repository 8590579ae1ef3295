// Runs `pnpm gen` in process against scratch folders, so tests exercise the real CLI without
// touching the repository's generated/.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { vi } from "vitest";
import { main } from "../cli/gen.js";

export interface GenRun {
  exitCode: number;
  /** console.log and console.warn, one call per line. */
  stdout: string;
  /** console.error, one call per line. */
  stderr: string;
}

/** `pnpm gen ...argv`, with what it prints captured instead of shown. */
export function runGen(argv: string[]): GenRun {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(args.join(" "))),
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void out.push(args.join(" "))),
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void err.push(args.join(" "))),
  ];
  try {
    const exitCode = main(argv);
    return { exitCode, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** A fresh folder under the OS temp dir; remove it with removeScratch. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mcpemails-${prefix}-`));
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A copy of `dir` beside it, so each test can damage its own generation. */
export function copyTree(dir: string, to: string): string {
  cpSync(dir, to, { recursive: true });
  return to;
}

/** Every file under `dir` (relative path, "/"-separated) with its exact bytes (latin1 maps bytes 1:1). */
export function snapshotTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path).split("\\").join("/")] = readFileSync(path).toString("latin1");
    }
  };
  walk(dir);
  return files;
}

/** The "label  path" lines `pnpm gen --check` prints for each file that does not match. */
export function reportedFiles(stderr: string): [label: string, path: string][] {
  return [...stderr.matchAll(/^(stale|missing|orphaned|not generated) +(\S.*)$/gm)].map((m) => [
    m[1] ?? "",
    m[2] ?? "",
  ]);
}

/** How `pnpm gen` names a file of `outDir` in its report: relative to the working directory. */
export function shownPath(outDir: string, path: string): string {
  return `${relative(process.cwd(), outDir) || "."}/${path}`;
}

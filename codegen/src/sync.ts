// Compares generated files with what is on disk, and writes them. Files listed in the previous
// MANIFEST.json but no longer generated are orphans and are removed; anything else in the folder
// that was never generated is reported, never deleted.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { GeneratedFile } from "./context.js";
import { MANIFEST_PATH, type Manifest } from "./generate.js";

export interface SyncPlan {
  stale: string[];
  missing: string[];
  orphaned: string[];
  /** Files in the folder that no run of the generator wrote. */
  unexpected: string[];
  unchanged: number;
}

// dist/ is what `pnpm build` compiles from the generated sources, not generator output.
const IGNORED_DIRS = new Set(["node_modules", "dist"]);

export function planSync(outDir: string, files: readonly GeneratedFile[]): SyncPlan {
  const plan: SyncPlan = { stale: [], missing: [], orphaned: [], unexpected: [], unchanged: 0 };
  const wanted = new Set(files.map((f) => f.path));
  for (const file of files) {
    const target = join(outDir, file.path);
    if (!existsSync(target)) plan.missing.push(file.path);
    else if (readFileSync(target, "utf8") !== file.content) plan.stale.push(file.path);
    else plan.unchanged++;
  }
  const previouslyGenerated = new Set(readManifest(outDir)?.files.map((f) => f.path) ?? []);
  for (const path of listFiles(outDir)) {
    if (wanted.has(path)) continue;
    (previouslyGenerated.has(path) ? plan.orphaned : plan.unexpected).push(path);
  }
  return plan;
}

export function isClean(plan: SyncPlan): boolean {
  return plan.stale.length + plan.missing.length + plan.orphaned.length + plan.unexpected.length === 0;
}

export function applySync(outDir: string, files: readonly GeneratedFile[], plan: SyncPlan): void {
  const changed = new Set([...plan.stale, ...plan.missing]);
  for (const file of files) {
    if (!changed.has(file.path)) continue;
    const target = join(outDir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, file.content);
    renameSync(temporary, target);
  }
  for (const path of plan.orphaned) rmSync(join(outDir, path));
}

function readManifest(outDir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, MANIFEST_PATH), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

function listFiles(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return IGNORED_DIRS.has(entry.name) ? [] : listFiles(root, join(dir, entry.name));
    return [relative(root, join(dir, entry.name)).split("\\").join("/")];
  });
}

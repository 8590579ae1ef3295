// `pnpm gen` is deterministic, and `pnpm gen --check` (what CI runs) fails on any difference between
// generated/ and the spec: a hand edit, a deleted file, a stray file, or a spec edit not followed by
// a run of the generator. Every run here writes to a scratch folder, never to the real generated/.
import { createHash } from "node:crypto";
import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./cli/repository-root.js";
import { MANIFEST_PATH, type Manifest } from "./generate.js";
import {
  copyTree,
  removeScratch,
  reportedFiles,
  runGen,
  scratchDir,
  shownPath,
  snapshotTree,
} from "./test-support/gen-run.js";

const realSpec = join(repositoryRoot(), "spec/mcpemails.yaml");

let scratch = "";
/** One generation from the real spec; tests damage copies of it, never it. */
let fresh = "";
let copies = 0;
const copyOfFresh = () => copyTree(fresh, join(scratch, `copy-${++copies}`));

beforeAll(() => {
  scratch = scratchDir("sync");
  fresh = join(scratch, "fresh");
  const run = runGen(["--spec", realSpec, "--out", fresh]);
  expect(run.exitCode, run.stderr).toBe(0);
});

afterAll(() => removeScratch(scratch));

describe("pnpm gen is deterministic", () => {
  it("writes byte-identical files when run twice from the same spec", () => {
    const second = join(scratch, "second");
    expect(runGen(["--spec", realSpec, "--out", second]).exitCode).toBe(0);
    const first = snapshotTree(fresh);
    expect(Object.keys(first).length).toBeGreaterThan(1);
    expect(snapshotTree(second)).toEqual(first);
  });

  it("writes nothing and removes nothing when run again on its own output", () => {
    const dir = copyOfFresh();
    const before = snapshotTree(dir);
    const run = runGen(["--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("0 written, 0 orphans removed");
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("lists every file it wrote, with its sha256, in MANIFEST.json", () => {
    const files = snapshotTree(fresh);
    const manifest = JSON.parse(files[MANIFEST_PATH] ?? "") as Manifest;
    const onDisk = Object.entries(files)
      .filter(([path]) => path !== MANIFEST_PATH)
      .map(([path, bytes]) => ({
        path,
        sha256: createHash("sha256").update(Buffer.from(bytes, "latin1")).digest("hex"),
      }));
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect([...manifest.files].sort(byPath)).toEqual(onDisk.sort(byPath));
  });
});

describe("pnpm gen --check", () => {
  it("passes right after pnpm gen", () => {
    const run = runGen(["--check", "--spec", realSpec, "--out", fresh]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
  });

  it("fails on a hand edit of a generated file, naming the file as stale", () => {
    const dir = copyOfFresh();
    appendFileSync(join(dir, "src/errors.ts"), "// a hand edit\n");
    const run = runGen(["--check", "--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(1);
    expect(reportedFiles(run.stderr)).toEqual([["stale", shownPath(dir, "src/errors.ts")]]);
    expect(run.stderr).toContain("Run `pnpm gen` to regenerate it");
  });

  it("fails when a generated file was deleted, naming it as missing", () => {
    const dir = copyOfFresh();
    rmSync(join(dir, "docs/REFERENCE.md"));
    const run = runGen(["--check", "--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(1);
    expect(reportedFiles(run.stderr)).toEqual([["missing", shownPath(dir, "docs/REFERENCE.md")]]);
  });

  it("fails on a stray file that no run of the generator wrote, naming it as not generated", () => {
    const dir = copyOfFresh();
    writeFileSync(join(dir, "src/helpers.ts"), "export const x = 1;\n");
    const run = runGen(["--check", "--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(1);
    expect(reportedFiles(run.stderr)).toEqual([["not generated", shownPath(dir, "src/helpers.ts")]]);
    expect(run.stderr).toContain("move the files that were not generated out of it");
  });

  it("fails after a spec edit that was not followed by pnpm gen: the output is stale", () => {
    const spec = join(scratch, "edited-spec.yaml");
    copyFileSync(realSpec, spec);
    const dir = join(scratch, "from-edited-spec");
    expect(runGen(["--spec", spec, "--out", dir]).exitCode).toBe(0);
    expect(runGen(["--check", "--spec", spec, "--out", dir]).exitCode).toBe(0);

    const source = readFileSync(spec, "utf8");
    const description = "description: Max results to return.";
    expect(source.split(description)).toHaveLength(2);
    writeFileSync(spec, source.replace(description, "description: Most results to return."));

    const run = runGen(["--check", "--spec", spec, "--out", dir]);
    expect(run.exitCode).toBe(1);
    const reported = reportedFiles(run.stderr);
    expect(reported).toContainEqual(["stale", shownPath(dir, "docs/REFERENCE.md")]);
    expect(reported).toContainEqual(["stale", shownPath(dir, "src/types.ts")]);
    expect(reported).toContainEqual(["stale", shownPath(dir, MANIFEST_PATH)]);
    expect(reported.filter(([label]) => label !== "stale")).toEqual([]);
  });

  it("reports a file listed in the old MANIFEST.json but no longer generated as orphaned", () => {
    const dir = withOrphan(copyOfFresh(), "src/retired.ts");
    const run = runGen(["--check", "--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(1);
    expect(reportedFiles(run.stderr)).toEqual([
      ["stale", shownPath(dir, MANIFEST_PATH)],
      ["orphaned", shownPath(dir, "src/retired.ts")],
    ]);
  });
});

describe("pnpm gen removes orphans", () => {
  it("deletes a file the old MANIFEST.json lists and the spec no longer generates, and then passes --check", () => {
    const dir = withOrphan(copyOfFresh(), "src/retired.ts");
    const run = runGen(["--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("1 orphans removed");
    expect(snapshotTree(dir)).toEqual(snapshotTree(fresh));
    expect(runGen(["--check", "--spec", realSpec, "--out", dir]).exitCode).toBe(0);
  });

  it("keeps a file no MANIFEST.json ever listed, and warns about it", () => {
    const dir = copyOfFresh();
    writeFileSync(join(dir, "NOTES.md"), "hand-written\n");
    const run = runGen(["--spec", realSpec, "--out", dir]);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(dir, "NOTES.md"), "utf8")).toBe("hand-written\n");
    expect(run.stdout).toContain(`warning: ${shownPath(dir, "NOTES.md")} was not generated`);
  });
});

describe("the repository's generated/", () => {
  // CI runs `pnpm gen --check`; this keeps a stale commit from passing the test suite either.
  it("is up to date with spec/mcpemails.yaml", () => {
    const run = runGen(["--check"]);
    expect(run.exitCode, run.stderr).toBe(0);
  });
});

/** Fakes a file an earlier spec generated: present on disk and listed in MANIFEST.json. */
function withOrphan(dir: string, path: string): string {
  const content = "// Generated by an older spec.\n";
  writeFileSync(join(dir, path), content);
  const manifestPath = join(dir, MANIFEST_PATH);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  manifest.files.push({ path, sha256: "0".repeat(64) });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

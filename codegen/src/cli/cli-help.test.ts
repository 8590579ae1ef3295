// The codegen commands, run as a user runs them: the real script in a child process. `--help` (or
// `-h`) prints the usage, naming every option, and exits 0 without reading the spec or writing a
// file; a mistake on the command line exits 2, names what is wrong and repeats the usage.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const SCRIPTS = {
  gen: fileURLToPath(new URL("./gen.ts", import.meta.url)),
  "gen:stub": fileURLToPath(new URL("./stub.ts", import.meta.url)),
  "spec:diff": fileURLToPath(new URL("./spec-diff.ts", import.meta.url)),
  // The root's script, tested here because the tests of scripts/ are not collected; gen is one of its benchmarks.
  bench: fileURLToPath(new URL("../../../scripts/bench.ts", import.meta.url)),
} as const;
type Script = keyof typeof SCRIPTS;

/** `pnpm <script> ...argv`, as its package.json script runs it. */
function pnpm(script: Script, ...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@mcpemails/source", "--import", TSX, SCRIPTS[script], ...argv],
      { encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe.concurrent("--help", () => {
  it.each([
    ["gen", "pnpm gen [options]", ["--check", "--spec <file>", "--out <dir>"]],
    ["gen:stub", "pnpm gen:stub [options] <dir>", ["dir"]],
    [
      "spec:diff",
      "pnpm spec:diff --against <git-ref> [--json] [--spec <path>]",
      ["--against <git-ref>", "--json", "--spec <path>"],
    ],
  ] as const)("pnpm %s --help prints its usage and exits 0", async (script, usage, options) => {
    const run = await pnpm(script, "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout.split("\n")[0]).toBe(`Usage: ${usage}`);
    for (const option of [...options, "-h, --help"]) expect(run.stdout).toContain(option);
  });

  it.each(Object.keys(SCRIPTS) as Script[])("pnpm %s -h is --help", async (script) => {
    const [short, long] = await Promise.all([pnpm(script, "-h"), pnpm(script, "--help")]);
    expect(short).toEqual(long);
  });

  it("wins over the rest of the line: pnpm gen --help writes nothing, even with --out", async () => {
    const run = await pnpm("gen", "--out", "/dev/null/nowhere", "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/^Usage: pnpm gen /);
  });
});

describe.concurrent("a mistake on the command line exits 2, names it and repeats the usage", () => {
  it.each([
    ["gen", ["--bogus"], "error: unknown option '--bogus'"],
    ["gen", ["--spec"], "error: option '--spec <file>' argument missing"],
    ["gen", ["stray"], "error: too many arguments. Expected 0 arguments but got 1."],
    ["gen:stub", [], "error: missing required argument 'dir'"],
    ["gen:stub", ["--bogus", "dir"], "error: unknown option '--bogus'"],
    ["gen:stub", ["one", "two"], "error: too many arguments. Expected 1 argument but got 2."],
    ["spec:diff", ["--against", "HEAD", "--colour"], "spec:diff: unknown option '--colour'"],
    ["spec:diff", [], "spec:diff: --against <git-ref> is required"],
  ] as const)("pnpm %s %j", async (script, argv, message) => {
    const run = await pnpm(script, ...argv);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toBe(message);
    expect(run.stderr).toContain(`Usage: pnpm ${script} `);
  });
});

describe.concurrent("pnpm bench", () => {
  it("--help lists the benchmarks of every package, and runs none", async () => {
    const run = await pnpm("bench", "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout.split("\n")[0]).toBe("Usage: pnpm bench [name] [args...]");
    for (const name of ["gen", "mcp", "imap", "gmail", "outlook", "scale", "memory", "default-run"])
      expect(run.stdout).toMatch(new RegExp(`^  ${name} \\[args\\.\\.\\.\\] `, "m"));
    // The servers mcp and scale start are not benchmarks of their own.
    expect(run.stdout).not.toContain("-target");
    expect(run.stdout).not.toContain("== pnpm bench");
  });

  it("<name> --help describes that benchmark, from the comment opening its file, and does not run it", async () => {
    const run = await pnpm("bench", "gmail", "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(
      /^Usage: pnpm bench gmail \[args\.\.\.\]\n\nGmail API requests and milliseconds per tool call/,
    );
    expect(run.stdout).not.toContain("== pnpm bench");
  });

  it.each([
    [["frobnicate"], 'error: no benchmark "frobnicate"; the benchmarks are gen, '],
    [["--bogus"], "error: unknown option '--bogus'"],
  ])("%j exits 2 naming what is wrong, and runs nothing", async (argv, message) => {
    const run = await pnpm("bench", ...argv);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toContain(message);
    expect(run.stderr).toContain("pnpm bench --help");
  });
});

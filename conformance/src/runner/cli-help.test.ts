// `mcpemails-conformance --help` and mistakes on the command line, run as a user runs them: the real
// command in a child process. --help (or -h) prints the usage on stdout and exits 0, whatever else is on
// the line; a bad option or argument exits 2 with a message naming it, followed by the usage.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const CLI_SCRIPT = fileURLToPath(new URL("../cli.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function conformance(...argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--conditions=@mcpemails/source", "--import", TSX, CLI_SCRIPT, ...argv], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const EVERY_OPTION = [
  "--url <url>",
  "--token <key>",
  "--inbox <uuid>",
  "--read-only-token <key>",
  "--revoked-token <key>",
  "--send-only-token <key>",
  "--foreign-inbox <uuid>",
  "--allow-send",
  "--send-to <address>",
  "--send-to-inbox <uuid>",
  "--policy-blocked-to <address>",
  "--approval-token <key>",
  "--undo-token <key>",
  "--seed <n>",
  "--runs <n>",
  "--max-calls <n>",
  "--only <ids>",
  "--skip <ids>",
  "--slow",
  "--baseline <file>",
  "--report <kind=file...>",
  "--quiet",
  "-h, --help",
];

describe("mcpemails-conformance --help", () => {
  it.each([["--help"], ["-h"]])("%s prints the usage, naming every option, and exits 0", (flag) => {
    const run = conformance(flag);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: mcpemails-conformance \[options\]/);
    for (const option of EVERY_OPTION) expect(run.stdout).toContain(option);
    expect(run.stderr).toBe("");
  });

  it("wins over the other options: nothing is checked and no request is sent", () => {
    const run = conformance("--url", "http://127.0.0.1:1/mcp", "--inbox", "not-a-uuid", "--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: mcpemails-conformance");
  });
});

describe("a mistake on the command line exits 2, names what is wrong and repeats the usage", () => {
  it.each([
    ["an unknown option", ["--frobnicate"], "mcpemails-conformance: unknown option --frobnicate"],
    ["an option missing its value", ["--url"], "mcpemails-conformance: --url needs a value"],
    [
      "an option followed by another option",
      ["--token", "--inbox", "x"],
      "mcpemails-conformance: --token needs a value",
    ],
    ["a word that is no option", ["stray"], "mcpemails-conformance: unexpected argument stray"],
    ["a required option left out", ["--url", "http://127.0.0.1:1/mcp"], "mcpemails-conformance: --token is required"],
    ...(["--approval-token", "--undo-token"] as const).map((option): [string, string[], string] => [
      `${option} without --allow-send`,
      [
        "--url",
        "http://127.0.0.1:1/mcp",
        "--token",
        "k",
        "--inbox",
        "00000000-0000-4000-8000-000000000000",
        option,
        "k2",
      ],
      `mcpemails-conformance: ${option} is only used with --allow-send: the check sends with it, and the send ${option === "--undo-token" ? "goes out after its undo window" : "must be held"}`,
    ]),
  ])("%s", (_name, argv, message) => {
    const run = conformance(...argv);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(message);
    expect(run.stderr).toContain("Usage: mcpemails-conformance [options]");
    expect(run.stdout).toBe("");
  });
});

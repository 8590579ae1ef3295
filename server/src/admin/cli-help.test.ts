// `pnpm cli --help`, run as a user runs it: the real command in a child process. Every command and
// subcommand prints its usage, naming its options, on --help or -h and exits 0, without reading the
// configuration or opening the store; a mistake on the command line exits 2 with a message naming it,
// followed by the usage of the command it was made in.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const CLI_MAIN = fileURLToPath(new URL("./cli-main.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

// A data directory that cannot be created: any command that opens the store fails.
const NO_STORE = { ...process.env, REDIS_URL: "", MCPEMAILS_DATA_DIR: "/dev/null/no-store" };

function pnpmCli(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@mcpemails/source", "--import", TSX, CLI_MAIN, ...argv],
      { env: NO_STORE, encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe.concurrent("pnpm cli --help", () => {
  it.each([["--help"], ["-h"], ["help"]])("pnpm cli %s lists the commands and exits 0", async (flag) => {
    const run = await pnpmCli(flag);
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/^Usage: pnpm cli \[options\] \[command\]/);
    for (const command of ["workspace", "key", "inbox"]) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it.each([
    ["workspace", ["create", "list"]],
    ["key", ["create", "revoke", "list"]],
    ["inbox", ["add", "connect", "list", "remove"]],
    ["inbox add", ["sandbox", "imap"]],
  ])("pnpm cli %s --help lists its subcommands", async (command, subcommands) => {
    const run = await pnpmCli(...command.split(" "), "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(new RegExp(`^Usage: pnpm cli ${command} `));
    for (const subcommand of subcommands) expect(run.stdout).toMatch(new RegExp(`^  ${subcommand} `, "m"));
  });

  it.each([
    ["workspace create", ["--name <NAME>", "--plan <PLAN>", "--sends-per-day <N>", "--json"]],
    ["workspace list", ["--json"]],
    ["key create", ["--workspace <ID>", "--scopes <SCOPES>", "--test", "--name <NAME>", "--json"]],
    ["key revoke", ["<KEY_ID>", "--json"]],
    ["key list", ["--workspace <ID>", "--json"]],
    ["inbox add sandbox", ["--workspace <ID>", "--json"]],
    [
      "inbox add imap",
      [
        "--workspace <ID>",
        "--imap-host <HOST>",
        "--imap-port <PORT>",
        "--imap-security <MODE>",
        "--smtp-host <HOST>",
        "--smtp-port <PORT>",
        "--smtp-security <MODE>",
        "--user <USER>",
        "--password-env <VAR>",
        "--address <EMAIL>",
        "--json",
      ],
    ],
    ["inbox connect", ["<PROVIDER>", "--workspace <ID>", "--json"]],
    ["inbox list", ["--workspace <ID>", "--json"]],
    ["inbox remove", ["<INBOX_ID>", "--json"]],
  ])("pnpm cli %s --help names its options", async (command, options) => {
    const run = await pnpmCli(...command.split(" "), "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(new RegExp(`^Usage: pnpm cli ${command} `));
    for (const option of options) expect(run.stdout).toContain(option);
    expect(run.stdout).toContain("-h, --help");
  });

  it("-h is --help, on a subcommand too", async () => {
    const [short, long] = await Promise.all([
      pnpmCli("inbox", "add", "imap", "-h"),
      pnpmCli("inbox", "add", "imap", "--help"),
    ]);
    expect(short).toEqual(long);
    expect(short.status).toBe(0);
  });

  it("wins over the rest of the line: nothing is checked, and nothing opened", async () => {
    const run = await pnpmCli("key", "create", "--scopes", "write:everything", "--help");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/^Usage: pnpm cli key create /);
  });

  it("(without --help, the same environment cannot open the store)", async () => {
    const run = await pnpmCli("workspace", "list");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("/dev/null/no-store");
  });
});

describe.concurrent("a mistake on the command line exits 2 and names it", () => {
  it.each([
    ["an unknown option", ["key", "create", "--bogus"], "error: unknown option '--bogus'", "pnpm cli key create"],
    ["an unknown command", ["frobnicate"], "error: unknown command 'frobnicate'", "pnpm cli"],
    ["an unknown subcommand", ["key", "rotate"], "error: unknown command 'rotate'", "pnpm cli key"],
    ["a missing argument", ["key", "revoke"], "error: missing required argument 'KEY_ID'", "pnpm cli key revoke"],
    [
      "an option missing its value",
      ["inbox", "list", "--workspace"],
      "error: option '--workspace <ID>' argument missing",
      "pnpm cli inbox list",
    ],
  ])("%s, followed by the usage of the command", async (_name, argv, message, usage) => {
    const run = await pnpmCli(...argv);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toBe(message);
    expect(run.stderr).toContain(`Usage: ${usage} [options]`);
  });

  it("an inbox kind that does not exist, with what to use instead", async () => {
    const run = await pnpmCli("inbox", "add", "gmail", "--workspace", "w");
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'error: Unknown inbox kind "gmail"; add sandbox or imap inboxes, and connect gmail or outlook ones (inbox connect).',
    );
  });
});

// `pnpm spec:diff --against <git-ref>` (pnpm spec:diff --help): compares the spec in the working tree with the same file
// at a git ref, prints every change classified for clients and implementers, and exits 1 when one
// of them is breaking.
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { diffSpecs } from "../diff/diff-specs.js";
import { formatChangesAsJson, formatChangesAsText } from "../diff/format.js";
import { parseSpec } from "../spec/load.js";
import { SpecInvalidError } from "../spec/problems.js";
import { codegenCommand, parseCommandLine } from "./command-line.js";

export const EXIT_NO_BREAKING_CHANGE = 0;
export const EXIT_BREAKING_CHANGE = 1;
export const EXIT_CANNOT_COMPARE = 2;

function specDiffCommand() {
  return codegenCommand(
    "pnpm spec:diff",
    "Compares the spec in the working tree with the same file at a git ref and prints every change, classified as breaking or not for clients and implementers.",
  )
    .usage("--against <git-ref> [--json] [--spec <path>]")
    .option("--against <git-ref>", "git ref whose spec the working tree's spec is compared with (required)")
    .option("--json", "print the changes as JSON instead of one line each")
    .option("--spec <path>", "spec file, relative to the repository root", "spec/mcpemails.yaml")
    .addHelpText(
      "after",
      "\nExit status: 0 no breaking change, 1 at least one breaking change,\n" +
        "2 bad usage, unknown ref, missing file or a spec that does not parse.",
    );
}

export interface CliIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Options {
  against: string;
  json: boolean;
  spec: string;
}

/** Something that stops the comparison before it starts; reported without a stack trace. */
class CannotCompare extends Error {}

export function main(argv: readonly string[], io: CliIo = processIo()): number {
  try {
    const options = readOptions(argv, io);
    if (typeof options === "number") return options;
    const root = repositoryRoot(io.cwd);
    const specFile = resolve(root, options.spec);
    const specPath = relative(root, specFile).split(sep).join("/");
    if (specPath.startsWith("../") || specPath === "..")
      throw new CannotCompare(`${options.spec} is outside the repository at ${root}`);

    const after = parseSpec(readWorkingTree(specFile, specPath), specPath);
    const before = parseSpec(readAtRef(root, options.against, specPath), `${options.against}:${specPath}`);
    const changes = diffSpecs(before.document, after.document);
    io.stdout(
      options.json ? formatChangesAsJson(changes, options.against) : formatChangesAsText(changes, options.against),
    );
    return changes.some((change) => change.breaking) ? EXIT_BREAKING_CHANGE : EXIT_NO_BREAKING_CHANGE;
  } catch (error) {
    if (error instanceof CannotCompare) io.stderr(`spec:diff: ${error.message}\n`);
    else if (error instanceof SpecInvalidError) io.stderr(`spec:diff: the spec is not valid:\n${error.message}\n`);
    else io.stderr(`spec:diff: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_CANNOT_COMPARE;
  }
}

/** The options to compare with, or the exit code when the command line says all there is to say (--help, a mistake). */
function readOptions(argv: readonly string[], io: CliIo): Options | number {
  const command = specDiffCommand();
  // commander's messages get the prefix of ours: "spec:diff: unknown option '--colour'".
  command.configureOutput({ outputError: (text, write) => write(`spec:diff: ${text.replace(/^error: /, "")}`) });
  const commandLine = parseCommandLine<{ against?: string; json?: boolean; spec: string }>(command, argv, {
    out: io.stdout,
    err: io.stderr,
  });
  if (!commandLine.run) return commandLine.exitCode;
  const values = commandLine.options;
  if (values.against === undefined || values.against === "")
    throw new CannotCompare(`--against <git-ref> is required\n\n${command.helpInformation()}`);
  // A ref starting with "-" would be read by git as an option.
  if (values.against.startsWith("-")) throw new CannotCompare(`"${values.against}" is not a git ref`);
  return { against: values.against, json: values.json === true, spec: values.spec };
}

function repositoryRoot(cwd: string): string {
  try {
    return git(cwd, ["rev-parse", "--show-toplevel"]).trim();
  } catch (error) {
    throw new CannotCompare(`not inside a git repository (${cwd}): ${gitMessage(error)}`);
  }
}

function readAtRef(root: string, ref: string, specPath: string): string {
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new CannotCompare(`unknown git ref "${ref}"`);
  }
  try {
    return git(root, ["show", `${ref}:${specPath}`]);
  } catch (error) {
    throw new CannotCompare(`${specPath} does not exist at ${ref}: ${gitMessage(error)}`);
  }
}

function readWorkingTree(file: string, specPath: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CannotCompare(`cannot read ${specPath} in the working tree: ${(error as Error).message}`);
  }
}

function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function gitMessage(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === "string" && stderr.trim() !== "" ? stderr.trim() : (error as Error).message;
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));

// pnpm bench [name] [args...]: runs <package>/bench/<name>.ts, whichever package has it, with the
// arguments after the name; without a name, gen and mcp. pnpm bench --help lists the benchmarks.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";

const root = fileURLToPath(new URL("../", import.meta.url));
const packages = ["codegen", "server", "conformance"];
const available = packages.flatMap((p) => (existsSync(join(root, p, "bench")) ? [p] : []));
// Without a name, every benchmark that stands on its own: the generator's and the endpoint's.
const DEFAULT = ["gen", "mcp"];

/** Every <package>/bench/<name>.ts (the first package's, should two have one of a name). */
const benchmarks = new Map<string, string>();
for (const p of available)
  for (const file of readdirSync(join(root, p, "bench")).sort())
    if (file.endsWith(".ts") && !benchmarks.has(file.slice(0, -3)))
      benchmarks.set(file.slice(0, -3), join(root, p, "bench", file));
// The *-target files are the servers mcp and scale start in processes of their own: not listed.
const listed = [...benchmarks.keys()].filter((name) => !name.endsWith("-target"));

/** A benchmark's first sentence, from the comment that opens its file. */
function summary(script: string): string {
  const lines = readFileSync(script, "utf8").split("\n");
  const end = lines.findIndex((line) => !line.startsWith("//"));
  const comment = lines
    .slice(0, end === -1 ? lines.length : end)
    .map((line) => line.replace(/^\/\/ ?/, "").trim())
    .join(" ")
    .replace(/^pnpm bench [\w-]+: /, "");
  return /^.*?\.(?=\s|$)/.exec(comment)?.[0] ?? comment;
}

/** Runs one benchmark; false when it failed (it has said why). */
function run(name: string, args: readonly string[]): boolean {
  console.log(`== pnpm bench ${name}`);
  try {
    // From source, as the root script runs this file: workspace packages resolve to their .ts.
    execFileSync(
      join(root, "node_modules/.bin/tsx"),
      ["--conditions=@mcpemails/source", benchmarks.get(name) ?? name, ...args],
      {
        stdio: "inherit",
        cwd: root,
      },
    );
    return true;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    process.exitCode = typeof status === "number" && status !== 0 ? status : 1;
    return false;
  }
}

const program = new Command("pnpm bench")
  .description(
    `Runs a benchmark: <name>.ts in ${available.map((p) => `${p}/bench/`).join(", ")}, with the arguments after ` +
      `the name; without a name, ${DEFAULT.join(" and ")}. Numbers go to stdout.`,
  )
  .usage("[name] [args...]")
  .helpOption("-h, --help", "print this usage and exit")
  .helpCommand(false)
  .argument("[name]")
  .enablePositionalOptions()
  .exitOverride()
  .showHelpAfterError("(pnpm bench --help lists the benchmarks)")
  .action((name: string | undefined) => {
    // A benchmark's name runs its command, below: here is no name, or one that is no benchmark.
    if (name !== undefined) program.error(`error: no benchmark "${name}"; the benchmarks are ${listed.join(", ")}`);
    for (const each of DEFAULT) if (!run(each, [])) return;
  });
for (const [name, script] of benchmarks)
  program
    .command(name, { hidden: !listed.includes(name) })
    .description(summary(script))
    .usage("[args...]")
    .argument("[args...]", "passed on to the benchmark")
    .helpOption("-h, --help", "print this usage and exit")
    .allowUnknownOption()
    .passThroughOptions()
    .action((args: string[]) => void run(name, args));

try {
  program.parse(process.argv.slice(2), { from: "user" });
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}

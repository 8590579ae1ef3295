// pnpm gen [--check] [--spec FILE] [--out DIR] (pnpm gen --help)
import { relative, resolve } from "node:path";
import { generate } from "../generate.js";
import { loadSpecFile } from "../spec/load.js";
import { SpecInvalidError } from "../spec/problems.js";
import { applySync, isClean, planSync } from "../sync.js";
import { codegenCommand, parseCommandLine } from "./command-line.js";
import { isEntryPoint, repositoryRoot } from "./repository-root.js";

function genCommand() {
  return codegenCommand(
    "pnpm gen",
    "Writes generated/ from the spec: the types, validators, JSON Schemas and tool descriptors the server and the runner import. Files that match are left alone; orphans are removed.",
  )
    .option("--check", "write nothing; exit 1 when the generated files do not match the spec (CI)")
    .option("--spec <file>", "the spec to read (default: spec/mcpemails.yaml)")
    .option("--out <dir>", "where the generated files go (default: generated/)")
    .addHelpText(
      "after",
      "\nExit status: 0 done (or up to date), 1 the spec is invalid or (--check) generated/ does not match\nit, 2 bad usage.",
    );
}

export function main(argv: string[]): number {
  const commandLine = parseCommandLine<{ check?: boolean; spec?: string; out?: string }>(genCommand(), argv, {
    out: (text) => console.log(text.trimEnd()),
    err: (text) => console.error(text.trimEnd()),
  });
  if (!commandLine.run) return commandLine.exitCode;
  const values = commandLine.options;
  const root = repositoryRoot();
  const specPath = resolve(values.spec ?? resolve(root, "spec/mcpemails.yaml"));
  const outDir = resolve(values.out ?? resolve(root, "generated"));
  const started = performance.now();
  let files;
  try {
    files = generate(loadSpecFile(specPath, relative(root, specPath)));
  } catch (error) {
    if (error instanceof SpecInvalidError) {
      console.error(`${error.message}\n\n${error.problems.length} problem(s) in the spec; nothing was written.`);
      return 1;
    }
    throw error;
  }
  const plan = planSync(outDir, files);
  const where = relative(process.cwd(), outDir) || ".";
  if (values.check) {
    if (isClean(plan)) {
      console.log(`${where} is up to date with the spec (${files.length} files).`);
      return 0;
    }
    for (const [label, paths] of [
      ["stale", plan.stale],
      ["missing", plan.missing],
      ["orphaned", plan.orphaned],
      ["not generated", plan.unexpected],
    ] as const) {
      for (const path of paths) console.error(`${label.padEnd(13)} ${where}/${path}`);
    }
    console.error(
      `\n${where} does not match the spec. Run \`pnpm gen\` to regenerate it${plan.unexpected.length > 0 ? ", and move the files that were not generated out of it" : ""}.`,
    );
    return 1;
  }
  applySync(outDir, files, plan);
  const changed = plan.stale.length + plan.missing.length;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `Generated ${files.length} files into ${where} in ${seconds} s: ${changed} written, ${plan.orphaned.length} orphans removed.`,
  );
  for (const path of plan.unexpected)
    console.warn(`warning: ${where}/${path} was not generated; generated/ holds generated files only.`);
  return 0;
}

if (isEntryPoint(import.meta.url)) process.exitCode = main(process.argv.slice(2));

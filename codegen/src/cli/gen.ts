// pnpm gen [--check] [--spec FILE] [--out DIR]
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generate } from "../generate.js";
import { loadSpecFile } from "../spec/load.js";
import { SpecInvalidError } from "../spec/problems.js";
import { applySync, isClean, planSync } from "../sync.js";
import { isEntryPoint, repositoryRoot } from "./repository-root.js";

export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { check: { type: "boolean", default: false }, spec: { type: "string" }, out: { type: "string" } },
  });
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

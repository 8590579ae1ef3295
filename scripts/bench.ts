// pnpm bench <name>: runs <package>/bench/<name>.ts, whichever package has it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const packages = ["codegen", "server", "conformance"];
const name = process.argv[2];
const available = packages.flatMap((p) => (existsSync(join(root, p, "bench")) ? [p] : []));
const script = name === undefined ? undefined : packages.map((p) => join(root, p, "bench", `${name}.ts`)).find((f) => existsSync(f));
if (script === undefined) {
  console.error(`usage: pnpm bench <name>; benchmarks live in ${available.map((p) => `${p}/bench/`).join(", ")}`);
  process.exit(2);
}
execFileSync(join(root, "node_modules/.bin/tsx"), [script, ...process.argv.slice(3)], { stdio: "inherit", cwd: root });

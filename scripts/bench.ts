// pnpm bench [name]: runs <package>/bench/<name>.ts, whichever package has it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const packages = ["codegen", "server", "conformance"];
const name = process.argv[2];
const available = packages.flatMap((p) => (existsSync(join(root, p, "bench")) ? [p] : []));
// Without a name, every benchmark that stands on its own: the generator's and the endpoint's.
const names = name === undefined ? ["gen", "mcp"] : [name];
for (const each of names) {
  const script = packages.map((p) => join(root, p, "bench", `${each}.ts`)).find((f) => existsSync(f));
  if (script === undefined) {
    console.error(
      `no benchmark "${each}"; usage: pnpm bench [name], with the names of the files in ${available.map((p) => `${p}/bench/`).join(", ")}`,
    );
    process.exit(2);
  }
  console.log(`== pnpm bench ${each}`);
  execFileSync(join(root, "node_modules/.bin/tsx"), [script, ...process.argv.slice(3)], {
    stdio: "inherit",
    cwd: root,
  });
}

// pnpm gen:stub <dir>: writes a handler skeleton once; a file that exists is never overwritten.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createContext } from "../context.js";
import { loadSpecFile } from "../spec/load.js";
import { emitStub } from "../stub/emit-stub.js";
import { isEntryPoint, repositoryRoot } from "./repository-root.js";

export function main(argv: string[]): number {
  const [dir, ...rest] = argv.filter((a) => a !== "--");
  if (dir === undefined || rest.length > 0 || dir.startsWith("-")) {
    console.error("usage: pnpm gen:stub <dir>");
    return 2;
  }
  const root = repositoryRoot();
  const specPath = join(root, "spec/mcpemails.yaml");
  const target = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
  mkdirSync(target, { recursive: true });
  for (const file of emitStub(createContext(loadSpecFile(specPath, relative(root, specPath))))) {
    const path = join(target, file.path);
    if (existsSync(path)) {
      console.log(`kept     ${path} (exists; never overwritten)`);
      continue;
    }
    writeFileSync(path, file.content, { flag: "wx" });
    console.log(`written  ${path}`);
  }
  return 0;
}

if (isEntryPoint(import.meta.url)) process.exitCode = main(process.argv.slice(2));

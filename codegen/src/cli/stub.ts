// pnpm gen:stub <dir> (pnpm gen:stub --help): writes a handler skeleton once; a file that exists is never overwritten.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createContext } from "../context.js";
import { loadSpecFile } from "../spec/load.js";
import { emitStub } from "../stub/emit-stub.js";
import { codegenCommand, parseCommandLine } from "./command-line.js";
import { isEntryPoint, repositoryRoot } from "./repository-root.js";

function stubCommand() {
  return codegenCommand(
    "pnpm gen:stub",
    "Writes a skeleton of the tool handlers (tool-handlers.ts, typed against the generated ToolHandlers) and a runnable main into <dir>. A file that exists is kept, never overwritten.",
  ).argument("<dir>", "where the skeleton goes (created if missing), relative to the directory pnpm was run from");
}

export function main(argv: string[]): number {
  const commandLine = parseCommandLine(stubCommand(), argv, {
    out: (text) => console.log(text.trimEnd()),
    err: (text) => console.error(text.trimEnd()),
  });
  if (!commandLine.run) return commandLine.exitCode;
  const [dir = ""] = commandLine.args;
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

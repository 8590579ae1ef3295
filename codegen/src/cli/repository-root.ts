import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root, found from this file's place (codegen/src/cli), not from the caller's cwd. */
export function repositoryRoot(): string {
  return fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
}

/** True when the module with this URL is the script node was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === moduleUrl;
}

// Starts a server entry in a child process (TypeScript through tsx's loader) and waits for the JSON line it prints when
// it listens; keeps its stderr for the test's failure message.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

export interface ChildServer<T> {
  ready: T;
  process: ChildProcess;
  /** Resolves with the signal (or exit code) the process ended with. */
  exited: Promise<NodeJS.Signals | number | null>;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startChildServer<T>(entry: string, env: Record<string, string>): Promise<ChildServer<T>> {
  // node itself, with tsx as a loader, rather than the tsx wrapper: a signal then reaches (and shows
  // as the end of) the server's own process.
  const child = spawn(process.execPath, ["--conditions=@mcpemails/source", "--import", "tsx", entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  const ready = await new Promise<T>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as T));
    void exited.then((how) => reject(new Error(`${entry} exited (${String(how)}) before it was ready: ${stderr}`)));
  });
  return {
    ready,
    process: child,
    exited,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

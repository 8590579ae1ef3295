// A redis-server of the test's own, on a spare loopback port, for faults that would disturb the
// shared Redis of scripts/redis.sh: it can be paused (SIGSTOP: connections stay open, nothing
// answers), resumed, killed (SIGKILL) and restarted on the same port and data. It keeps its data in
// an append-only file synced on every write, as a production Redis that holds idempotency records
// must, so that a crash loses nothing it acknowledged.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PrivateRedis {
  url: string;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
  /** Running (resumed or restarted as needed), so that clients can close cleanly. */
  ensureRunning(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no spare port");
  return address.port;
}

async function answers(port: number): Promise<boolean> {
  try {
    return (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "ping"], { timeout: 2000 })).stdout.includes(
      "PONG",
    );
  } catch {
    return false;
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await sparePort();
  const dir = mkdtempSync(join(tmpdir(), "mcpemails-redis-fault-"));
  let server: ChildProcess | undefined;

  const launch = async () => {
    const child = spawn(
      "redis-server",
      [
        "--bind",
        "127.0.0.1",
        "--port",
        String(port),
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--protected-mode",
        "yes",
      ],
      { stdio: "ignore" },
    );
    server = child;
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async () => {
    const child = server;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGCONT"); // a paused server must be able to die
    child.kill("SIGKILL");
    await exited;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => server?.kill("SIGSTOP"),
    resume: () => server?.kill("SIGCONT"),
    kill,
    restart: launch,
    async ensureRunning() {
      server?.kill("SIGCONT");
      if (server === undefined || server.exitCode !== null || server.signalCode !== null) await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

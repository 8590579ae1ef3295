// A Redis Cluster of the test's own (3 masters, each with a replica, on spare loopback ports), for
// a failover the shared cluster of scripts/redis.sh must not suffer: a master can be killed, and
// its replica takes over after the node timeout. Data is kept in append-only files synced on every
// write; replication to the replica is asynchronous, as Redis's is.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const NODE_TIMEOUT_MS = 1_000;

export interface PrivateCluster {
  url: string;
  /** The port of the master that serves this key now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILLs the node on this port. */
  kill(port: number): Promise<void>;
  /** Resolves once every slot is served again (by a promoted replica), as seen from this port. */
  untilHealthy(fromPort: number): Promise<void>;
  stop(): Promise<void>;
}

async function sparePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const cli = async (port: number, ...args: string[]) =>
  (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { timeout: 5000 })).stdout;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const ports = await sparePorts(6);
  const dir = mkdtempSync(join(tmpdir(), "mcpemails-cluster-fault-"));
  const nodes = new Map<number, ChildProcess>();
  for (const port of ports) {
    const args = [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--dir",
      dir,
      "--dbfilename",
      `${port}.rdb`,
      "--appendfilename",
      `${port}.aof`,
      "--appenddirname",
      `aof-${port}`,
    ];
    args.push(
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(dir, `nodes-${port}.conf`),
    );
    args.push("--cluster-node-timeout", String(NODE_TIMEOUT_MS), "--protected-mode", "yes");
    nodes.set(port, spawn("redis-server", args, { stdio: "ignore" }));
  }
  for (const port of ports) await until(`redis on ${port}`, async () => (await cli(port, "ping")).includes("PONG"));
  await run(
    "redis-cli",
    ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "1", "--cluster-yes"],
    { timeout: 30_000 },
  );
  const healthy = async (port: number) => {
    if (!(await cli(port, "cluster", "info")).includes("cluster_state:ok")) return false;
    // Every master has a connected replica again, or has none to have: the layout has settled.
    return !(await cli(port, "cluster", "nodes")).includes("fail");
  };
  for (const port of ports) await until(`the cluster as seen from ${port}`, () => healthy(port));

  const kill = async (port: number) => {
    const node = nodes.get(port);
    if (node === undefined || node.exitCode !== null || node.signalCode !== null) return;
    const exited = new Promise((resolve) => node.once("exit", resolve));
    node.kill("SIGKILL");
    await exited;
  };
  return {
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(",")}`,
    async masterOf(key) {
      const alive =
        ports.find((port) => nodes.get(port)?.exitCode === null && nodes.get(port)?.signalCode === null) ?? ports[0]!;
      const slot = Number((await cli(alive, "cluster", "keyslot", key)).trim());
      for (const line of (await cli(alive, "cluster", "nodes")).split("\n")) {
        const fields = line.split(" ");
        if (!fields[2]?.includes("master") || fields[2].includes("fail")) continue;
        for (const range of fields.slice(8)) {
          const [from, to = from] = range.split("-").map(Number) as [number, number?];
          if (slot >= from && slot <= (to ?? from)) return Number(fields[1]?.split(":")[1]?.split("@")[0]);
        }
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    kill,
    untilHealthy: (fromPort) =>
      until("a replica to take over", async () =>
        (await cli(fromPort, "cluster", "info")).includes("cluster_state:ok"),
      ),
    async stop() {
      await Promise.all(ports.map(kill));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Configuration from the environment, the same for the server and the CLI.
import { resolve } from "node:path";
import type { Store } from "./store/store.js";

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  redisUrl: string | undefined;
  /** Extra Host names and browser Origins allowed besides loopback (comma-separated in the environment). */
  allowedHosts: string[];
  allowedOrigins: string[];
  /** Enables the admin HTTP API under /admin. */
  adminToken: string | undefined;
}

const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${String(env.PORT)}.`);
  return {
    host: env.HOST ?? "127.0.0.1",
    port,
    dataDir: resolve(env.MCPEMAILS_DATA_DIR ?? "./data"),
    redisUrl: env.REDIS_URL === "" ? undefined : env.REDIS_URL,
    allowedHosts: list(env.MCPEMAILS_ALLOWED_HOSTS),
    allowedOrigins: list(env.MCPEMAILS_ALLOWED_ORIGINS),
    adminToken: env.MCPEMAILS_ADMIN_TOKEN === "" ? undefined : env.MCPEMAILS_ADMIN_TOKEN,
  };
}

/** Redis when REDIS_URL is set (any number of instances), otherwise SQLite in the data directory. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  if (config.redisUrl !== undefined) {
    const { openRedisStore } = await import("./store/redis/redis-store.js");
    return openRedisStore({ url: config.redisUrl, dataDir: config.dataDir });
  }
  const { openSqliteStore } = await import("./store/sqlite/sqlite-store.js");
  return openSqliteStore({ dataDir: config.dataDir });
}

// Opens the ioredis client that REDIS_URL names, standalone or cluster, and waits until it is ready,
// so that a wrong URL fails at start-up rather than at the first request.
import { Cluster, Redis } from "ioredis";
import { parseRedisUrl, redactRedisUrl } from "./redis-url.js";

export type RedisClient = Redis | Cluster;

/**
 * How long a command may wait for Redis, queued while reconnecting included. Without a limit,
 * ioredis waits as long as an unanswering Redis (paused, partitioned) stays silent, and every
 * request, /readyz too, hangs with it; with one, they fail closed (reliability/redis-faults.test.ts).
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

export async function connectRedis(url: string, options: { commandTimeoutMs?: number } = {}): Promise<RedisClient> {
  const target = parseRedisUrl(url);
  const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const client: RedisClient =
    target.kind === "standalone"
      ? // No offline queue: ioredis would send a queued command once Redis is back, even one that
        // timed out and was reported as failed, so a refused request could still take a quota
        // unit or start an idempotency record later. Without it, a command fails at once while
        // Redis is away. (Cluster keeps a queue per node, which ioredis does not let us turn off.)
        new Redis(target.url, { lazyConnect: true, commandTimeout, enableOfflineQueue: false })
      : new Cluster(target.nodes, {
          lazyConnect: true,
          redisOptions: {
            commandTimeout,
            ...(target.username === undefined ? {} : { username: target.username }),
            ...(target.password === undefined ? {} : { password: target.password }),
            ...(target.tls ? { tls: {} } : {}),
          },
        });
  // connect() rejects with a bare "Connection is closed."; the error event says why.
  let firstError: unknown;
  const rememberFirstError = (error: unknown) => {
    firstError ??= error;
  };
  client.on("error", rememberFirstError);
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect(); // or ioredis keeps reconnecting in the background
    const reason = ((firstError ?? error) as Error).message;
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${reason}`, { cause: error });
  } finally {
    client.off("error", rememberFirstError);
  }
}

// Opens the ioredis client that REDIS_URL names, standalone or cluster, and waits until it is ready,
// so that a wrong URL fails at start-up rather than at the first request.
import { Cluster, Redis } from "ioredis";
import { parseRedisUrl, redactRedisUrl } from "./redis-url.js";

export type RedisClient = Redis | Cluster;

export async function connectRedis(url: string): Promise<RedisClient> {
  const target = parseRedisUrl(url);
  const client: RedisClient =
    target.kind === "standalone"
      ? new Redis(target.url, { lazyConnect: true })
      : new Cluster(target.nodes, {
          lazyConnect: true,
          redisOptions: {
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

// Which Redis the reliability tests use: the servers scripts/redis.sh starts (scripts/test.sh
// exports their URLs). Without them the tests skip locally, saying how to start Redis, and fail in
// CI, where skipping would hide that the scale-out promises went unchecked.
export type RedisVariable = "REDIS_URL" | "REDIS_CLUSTER_URL";

export const START_REDIS_HINT = "eval \"$(bash scripts/redis.sh start | sed 's/^/export /')\"";

/** The URL in the variable; undefined (with a warning) locally when unset; throws in CI when unset. */
export function redisUrl(variable: RedisVariable, what: string): string | undefined {
  const url = process.env[variable];
  if (url) return url;
  if (process.env.CI)
    throw new Error(
      `CI is set but ${variable} is not: ${what} must run in CI. Run the tests through scripts/test.sh, which starts Redis.`,
    );
  console.warn(`${what} skipped: ${variable} is not set; start Redis with ${START_REDIS_HINT}`);
  return undefined;
}

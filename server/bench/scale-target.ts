// One reference server instance for `pnpm bench scale`, in a process of its own, on the Redis that
// BENCH_REDIS_URL names under BENCH_KEY_PREFIX (the bench's workspace, key and inbox are already
// there). Rate windows are raised so that every request does the full rate-limit work and none is
// refused. Prints one JSON line {"mcpUrl"} when listening.
import { buildApp } from "../src/app.js";
import { defaultOriginPolicy } from "../src/mcp/origin-guard.js";
import { createProviderRegistry } from "../src/providers/registry.js";
import { openRedisStore } from "../src/store/redis/redis-store.js";

const store = await openRedisStore({
  url: process.env.BENCH_REDIS_URL ?? "",
  keyPrefix: process.env.BENCH_KEY_PREFIX ?? "",
  secretKey: Buffer.from(process.env.BENCH_SECRET_KEY ?? "", "hex"),
});
const rateWindows = [
  { name: "minute", seconds: 60, limit: 100_000_000 },
  { name: "hour", seconds: 3600, limit: 100_000_000 },
  { name: "day", seconds: 86400, limit: 100_000_000 },
] as const;
const app = await buildApp({
  store,
  providerFor: createProviderRegistry(store),
  originPolicy: defaultOriginPolicy(),
  rateWindows,
});
process.stdout.write(`${JSON.stringify({ mcpUrl: `${await app.listen({ host: "127.0.0.1", port: 0 })}/mcp` })}\n`);
process.once("SIGTERM", () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});

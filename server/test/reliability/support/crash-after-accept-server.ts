// A reference server in a process of its own that SIGKILLs itself in the middle of a send: after the
// provider accepted the message (the sandbox provider has filed and delivered it) and before the
// send's outcome is recorded in the store. A send is told to crash by the word in CRASH_MARKER in
// its subject. Run by send-crash.test.ts; prints one JSON line {"mcpUrl"} when listening.
//
//   MCPEMAILS_DATA_DIR   the data directory (SQLite database, secret key)
//   CRASH_STORE          "sqlite" or "redis"
//   REDIS_URL, CRASH_KEY_PREFIX   the Redis store, when CRASH_STORE is redis
//   CRASH_CLOCK_OFFSET_MS         added to the server's clock (a retry "later" without waiting)
import { openRedisStore } from "../../../src/store/redis/redis-store.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { CRASH_MARKER } from "./crash-marker.js";
import { startInstance } from "./instances.js";

const env = process.env;
const dataDir = env.MCPEMAILS_DATA_DIR ?? "";
if (dataDir === "") throw new Error("MCPEMAILS_DATA_DIR is required");
const store =
  env.CRASH_STORE === "redis"
    ? await openRedisStore({ url: env.REDIS_URL ?? "", dataDir, keyPrefix: env.CRASH_KEY_PREFIX ?? "" })
    : await openSqliteStore({ dataDir });
const offsetMs = Number(env.CRASH_CLOCK_OFFSET_MS ?? 0);

const instance = await startInstance({
  store,
  now: () => new Date(Date.now() + offsetMs),
  provider: (_inbox, real) => ({
    ...real,
    async send_email(args, signal) {
      const sent = await real.send_email(args, signal);
      if (args.subject.includes(CRASH_MARKER) && !("isError" in sent)) process.kill(process.pid, "SIGKILL");
      return sent;
    },
  }),
});
process.stdout.write(`${JSON.stringify({ mcpUrl: instance.mcpUrl })}\n`);
process.once("SIGTERM", () => {
  void instance.close().then(() => process.exit(0));
});

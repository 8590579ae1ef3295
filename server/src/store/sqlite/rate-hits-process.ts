// Test fixture, run as a child process by sqlite-store.test.ts: another program (as the CLI is to
// the server) opening the same SQLite file. It opens the store, says "ready", is sent a start time,
// spins until then so that every process hits the file at the same moment, then makes `rounds`
// passes over the keys, one hit per key each, and reports how many of its hits were allowed and
// when it made its first and last hit.
//
//   node --import tsx rate-hits-process.ts <dataDir> <secretKeyHex> <keyId,keyId,...> <rounds> <limit> <nowMs>
import { openSqliteStore } from "./sqlite-store.js";

const [dataDir, secretKeyHex, keyIds, rounds, limit, nowMs] = process.argv.slice(2);
if (
  dataDir === undefined ||
  secretKeyHex === undefined ||
  keyIds === undefined ||
  rounds === undefined ||
  limit === undefined ||
  nowMs === undefined
) {
  throw new Error("usage: rate-hits-process.ts <dataDir> <secretKeyHex> <keyId,keyId,...> <rounds> <limit> <nowMs>");
}
const send = (message: unknown) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );

const store = await openSqliteStore({ dataDir, secretKey: Buffer.from(secretKeyHex, "hex") });
const startAtMs = new Promise<number>((resolve) =>
  process.once("message", (message: { startAtMs: number }) => resolve(message.startAtMs)),
);
await send("ready");
const startAt = await startAtMs;
while (Date.now() < startAt) {
  // spin: timers would wake the processes up to a millisecond apart
}
const windows = [{ name: "minute", seconds: 60, limit: Number(limit) }];
let allowed = 0;
const firstHitAtMs = Date.now();
for (let round = 0; round < Number(rounds); round++) {
  for (const keyId of keyIds.split(",")) {
    if ((await store.hitRateWindows(keyId, windows, Number(nowMs))).allowed) allowed++;
  }
}
const lastHitAtMs = Date.now();
await store.close();
await send({ allowed, firstHitAtMs, lastHitAtMs });
process.disconnect();

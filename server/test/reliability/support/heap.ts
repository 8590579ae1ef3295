// The heap in use after a full garbage collection, for "memory stays stable" checks. The gc
// function is reached through a fresh V8 context so that the test runner needs no --expose-gc.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export async function heapUsedAfterGc(): Promise<number> {
  // Twice, with a turn of the event loop between, so that objects freed by finalizers go too.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

export const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

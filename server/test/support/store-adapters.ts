// The store adapters a test runs against: SQLite always, Redis standalone and cluster when
// REDIS_URL / REDIS_CLUSTER_URL are set. Each opens one or more handles on the same fresh data (two
// handles stand for two instances of the server), removed again by the test's afterEach.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { deleteKeysWithPrefix } from "./redis-data.js";

export interface StoreAdapter {
  name: string;
  /** Handles on one fresh store's data, all closed and the data removed after the test. */
  open(handles?: number): Promise<Store[]>;
}

/** Call at a test file's top level: it registers the afterEach that cleans up what open() made. */
export function storeAdapters(): StoreAdapter[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const opened = async (stores: Promise<Store>[]) => {
    const all = await Promise.all(stores);
    for (const store of all) cleanups.push(() => store.close());
    return all;
  };
  const adapters: StoreAdapter[] = [
    {
      name: "SQLite",
      open: async (handles = 1) => {
        const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-store-"));
        const secretKey = randomBytes(32);
        cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
        // One after another: the first creates the schema the others find.
        const stores: Store[] = [];
        for (let i = 0; i < handles; i += 1) stores.push(...(await opened([openSqliteStore({ dataDir, secretKey })])));
        return stores;
      },
    },
  ];
  for (const [label, url] of [
    ["standalone", process.env.REDIS_URL],
    ["cluster", process.env.REDIS_CLUSTER_URL],
  ] as const) {
    if (url)
      adapters.push({
        name: `Redis (${label})`,
        open: async (handles = 1) => {
          const keyPrefix = `mcpe:test:${randomUUID()}:`;
          const secretKey = randomBytes(32);
          cleanups.push(() => deleteKeysWithPrefix(url, keyPrefix));
          return opened(Array.from({ length: handles }, () => openRedisStore({ url, keyPrefix, secretKey })));
        },
      });
  }
  return adapters;
}

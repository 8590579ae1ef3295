// Per-instance copies of what every call reads: the API key by its hash, its workspace and the inbox.
// They hold while the store's configuration version stands (Store.configVersion, one cheap read per
// call), so a revocation, new limits or a removed inbox on any instance takes effect at the next call.
import type { Store } from "./store.js";

/** The reads a call makes; the store itself is the uncached kind. */
export type ConfigReads = Pick<Store, "findApiKeyByHash" | "getWorkspace" | "getInbox">;

export interface ConfigCache {
  /** The reads for one call, good for the configuration version it read first. */
  reads(): Promise<ConfigReads>;
  /** Forgets a key's copy, so that its next call reads it again (its last use was just written). */
  forgetApiKey(hash: string): void;
}

/** Past this many copies of one kind the copies start afresh: a bound, not an eviction policy. */
const DEFAULT_MAX_ENTRIES = 10_000;

export function createConfigCache(store: Store, maxEntries = DEFAULT_MAX_ENTRIES): ConfigCache {
  let version: number | undefined;
  // Raised whenever the copies are dropped: a read that started before cannot put back what it read.
  let generation = 0;
  const apiKeys = new Map<string, Awaited<ReturnType<Store["findApiKeyByHash"]>>>();
  const workspaces = new Map<string, Awaited<ReturnType<Store["getWorkspace"]>>>();
  const inboxes = new Map<string, Awaited<ReturnType<Store["getInbox"]>>>();

  async function cached<T>(copies: Map<string, T | undefined>, id: string, read: () => Promise<T | undefined>) {
    const copy = copies.get(id);
    if (copy !== undefined) return copy;
    const startedIn = generation;
    const value = await read();
    // Only what exists is kept: something created later is read from the store when first asked for.
    if (value !== undefined && startedIn === generation) {
      if (copies.size >= maxEntries) copies.clear();
      copies.set(id, value);
    }
    return value;
  }

  const reads: ConfigReads = {
    findApiKeyByHash: (hash) => cached(apiKeys, hash, () => store.findApiKeyByHash(hash)),
    getWorkspace: (id) => cached(workspaces, id, () => store.getWorkspace(id)),
    getInbox: (id) => cached(inboxes, id, () => store.getInbox(id)),
  };

  return {
    async reads() {
      const current = await store.configVersion();
      if (current !== version) {
        version = current;
        generation += 1;
        apiKeys.clear();
        workspaces.clear();
        inboxes.clear();
      }
      return reads;
    },
    forgetApiKey(hash) {
      apiKeys.delete(hash);
    },
  };
}

// The per-instance copies of keys, workspaces and inboxes (config-cache.ts) on both adapters (Redis
// when REDIS_URL / REDIS_CLUSTER_URL are set). Two store handles on the same data stand for two
// instances: a change made through one is seen by the other's cache at its next call.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { storeAdapters } from "../../test/support/store-adapters.js";
import { addSandboxInbox, createApiKey, createWorkspace } from "../admin/operations.js";
import { hashApiKey } from "../auth/api-keys.js";
import { createConfigCache } from "./config-cache.js";
import type { Store } from "./store.js";

const adapters = storeAdapters();
const openTwo = async (open: (handles?: number) => Promise<Store[]>) => (await open(2)) as [Store, Store];

/** The store, counting the reads that reach it. */
function counting(store: Store) {
  const reads = { findApiKeyByHash: 0, getWorkspace: 0, getInbox: 0 };
  const counted: Store = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property in reads) reads[property as keyof typeof reads] += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, reads };
}

async function setUp(store: Store) {
  const workspace = await createWorkspace(store, { name: "Cache", plan: "pro" });
  const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
  const { record, key } = await createApiKey(store, {
    workspaceId: workspace.id,
    scopes: ["read:email"],
    mode: "test",
  });
  return { workspace, inbox, keyRecord: record, hash: hashApiKey(key) };
}

describe.each(adapters)("configuration copies on $name", ({ open }) => {
  it("reads a key, its workspace and an inbox from the store once while the configuration version stands", async () => {
    const [one] = await openTwo(open);
    const { workspace, inbox, hash } = await setUp(one);
    const { store, reads } = counting(one);
    const cache = createConfigCache(store);
    for (let call = 0; call < 5; call += 1) {
      const view = await cache.reads();
      expect((await view.findApiKeyByHash(hash))?.workspaceId).toBe(workspace.id);
      expect((await view.getWorkspace(workspace.id))?.plan).toBe("pro");
      expect((await view.getInbox(inbox.id))?.id).toBe(inbox.id);
    }
    expect(reads).toEqual({ findApiKeyByHash: 1, getWorkspace: 1, getInbox: 1 });
  });

  it("never keeps what does not exist: a key or inbox created later is found at once", async () => {
    const [one] = await openTwo(open);
    const { workspace } = await setUp(one);
    const cache = createConfigCache(one);
    const unknownInbox = randomUUID();
    expect(await (await cache.reads()).getInbox(unknownInbox)).toBeUndefined();
    const inbox = await addSandboxInbox(one, { workspaceId: workspace.id });
    expect(await (await cache.reads()).getInbox(inbox.id)).toMatchObject({ id: inbox.id });
  });

  it.each([
    [
      "a key revoked",
      async (store: Store, s: Awaited<ReturnType<typeof setUp>>) => void (await store.revokeApiKey(s.keyRecord.id)),
    ],
    [
      "new limits",
      async (store: Store, s: Awaited<ReturnType<typeof setUp>>) =>
        void (await store.updateWorkspaceLimits(s.workspace.id, { callsPerMonthOverride: 7 })),
    ],
    [
      "an inbox removed",
      async (store: Store, s: Awaited<ReturnType<typeof setUp>>) => void (await store.removeInbox(s.inbox.id)),
    ],
  ])("%s through another instance is seen at this instance's next call", async (_change, change) => {
    const [one, other] = await openTwo(open);
    const s = await setUp(one);
    const cache = createConfigCache(one);
    const before = await cache.reads();
    await before.findApiKeyByHash(s.hash);
    await before.getWorkspace(s.workspace.id);
    await before.getInbox(s.inbox.id);

    await change(other, s);

    const after = await cache.reads();
    const [key, workspace, inbox] = [
      await after.findApiKeyByHash(s.hash),
      await after.getWorkspace(s.workspace.id),
      await after.getInbox(s.inbox.id),
    ];
    expect({ key, workspace, inbox }).toEqual({
      key: await other.findApiKeyByHash(s.hash),
      workspace: await other.getWorkspace(s.workspace.id),
      inbox: await other.getInbox(s.inbox.id),
    });
  });

  it("new inbox settings through another instance raise the version", async () => {
    const [one, other] = await openTwo(open);
    const { inbox } = await setUp(one);
    const version = await one.configVersion();
    expect(await other.updateInboxSecret(inbox.id, JSON.stringify({ rotated: true }))).toEqual(expect.any(String));
    expect(await one.configVersion()).toBeGreaterThan(version);
  });

  it("a read that began before a change never puts back what it read once the change is seen", async () => {
    const [one, other] = await openTwo(open);
    const s = await setUp(one);
    let releaseRead: (() => void) | undefined;
    const slowFirstRead: Store = new Proxy(one, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "findApiKeyByHash" || typeof value !== "function") return value;
        return async (hash: string) => {
          const record = await (value as Store["findApiKeyByHash"]).call(target, hash);
          if (releaseRead === undefined) await new Promise<void>((resolve) => (releaseRead = resolve));
          return record;
        };
      },
    });
    const cache = createConfigCache(slowFirstRead);
    const stale = (await cache.reads()).findApiKeyByHash(s.hash);
    await expect.poll(() => releaseRead !== undefined).toBe(true);
    await other.revokeApiKey(s.keyRecord.id);
    const fresh = await cache.reads();
    releaseRead?.();
    expect((await stale)?.revokedAt).toBeNull();
    expect((await fresh.findApiKeyByHash(s.hash))?.revokedAt).toEqual(expect.any(String));
  });
});

// The Redis adapter against real Redis: a standalone server (REDIS_URL) and a Redis Cluster
// (REDIS_CLUSTER_URL), as `bash scripts/redis.sh start` provides and scripts/test.sh exports.
// Every store under test gets its own key prefix, and its keys are deleted afterwards.
import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { describeStoreContract, type StoreUnderTest } from "../../../test/support/store-contract.js";
import type { Store } from "../store.js";
import { deleteKeysWithPrefix, keysWithPrefix, withRedisClient } from "../../../test/support/redis-data.js";
import { connectRedis } from "./redis-connection.js";
import { redisKeys } from "./redis-keys.js";
import { openRedisStore } from "./redis-store.js";

const START_REDIS = 'eval "$(bash scripts/redis.sh start)"';
const targets = [
  { label: "standalone", variable: "REDIS_URL", url: process.env.REDIS_URL },
  { label: "cluster", variable: "REDIS_CLUSTER_URL", url: process.env.REDIS_CLUSTER_URL },
] as const;

const missing = targets.filter((target) => !target.url).map((target) => target.variable);
if (process.env.CI && missing.length > 0) {
  throw new Error(
    `CI is set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not: the Redis adapter must be tested in CI. Run the tests through scripts/test.sh, which starts Redis (scripts/redis.sh).`,
  );
}

for (const { label, variable, url } of targets) {
  if (!url) {
    console.warn(`Redis store (${label}) tests skipped: ${variable} is not set; start Redis with ${START_REDIS}`);
    describe.skip(`Redis store (${label}): skipped, ${variable} is not set; start Redis with ${START_REDIS}`, () => {
      it("needs a Redis server", () => {});
    });
    continue;
  }

  const secretKey = randomBytes(32);
  const testPrefix = () => `mcpe:test:${randomUUID()}:`;
  const stores: { store: Store; prefix: string }[] = [];
  const openTestStore = async (prefix = testPrefix()) => {
    const store = await openRedisStore({ url, secretKey, keyPrefix: prefix });
    stores.push({ store, prefix });
    return store;
  };

  describeStoreContract(`Redis (${label})`, async (options = {}): Promise<StoreUnderTest> => {
    const keyPrefix = testPrefix();
    const store = await openRedisStore({ url, secretKey, keyPrefix, ...options });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await deleteKeysWithPrefix(url, keyPrefix);
      },
    };
  });

  describe(`Redis store (${label}): the data in Redis`, () => {
    afterEach(async () => {
      for (const { store, prefix } of stores.splice(0)) {
        await store.close();
        await deleteKeysWithPrefix(url, prefix);
      }
    });

    it("keeps inbox secrets encrypted: the raw hash holds no plaintext", async () => {
      const prefix = testPrefix();
      const store = await openTestStore(prefix);
      const password = "correct horse battery staple";
      const inbox = await store.createInbox({
        workspaceId: randomUUID(),
        mode: "live",
        kind: "imap",
        addresses: [],
        secret: JSON.stringify({ password }),
      });

      const raw = await withRedisClient(url, (client) => client.hgetall(redisKeys(prefix).inbox(inbox.id)));
      expect(raw.sealedSecret).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
      expect(JSON.stringify(raw)).not.toContain(password);
      expect((await store.getInbox(inbox.id))?.secret).toBe(JSON.stringify({ password }));
    });

    it("writes only keys under its prefix, each with a hash tag", async () => {
      const prefix = testPrefix();
      const store = await openTestStore(prefix);
      const workspace = await store.createWorkspace({ name: "Tagged", plan: "pro" });
      const key = await store.createApiKey({
        id: randomUUID(),
        workspaceId: workspace.id,
        mode: "test",
        scopes: ["read:email"],
        hash: "b".repeat(64),
        hint: "mcpe_test_…bbbb",
        name: null,
      });
      await store.hitRateWindows(key.id, [{ name: "minute", seconds: 60, limit: 5 }], Date.now());
      const inbox = await store.createInbox({
        workspaceId: workspace.id,
        mode: "test",
        kind: "sandbox",
        addresses: [],
        secret: null,
      });
      await store.putSandboxMessages([
        { inboxId: inbox.id, id: "m1", folder: "INBOX", date: new Date().toISOString(), unread: true, data: {} },
      ]);
      await store.consumeQuota(`sends_per_day:${workspace.id}:2025-01-01`, 10, Date.now() + 60_000);
      await store.beginIdempotent(`${workspace.id}:{tricky}:key`, "fingerprint", {
        nowMs: Date.now(),
        ttlMs: 60_000,
        staleAfterMs: 1000,
      });

      const written = await withRedisClient(url, (client) => keysWithPrefix(client, prefix));
      const global = [`${prefix}workspaces`, `${prefix}inboxes`];
      expect(written.filter((k) => !global.includes(k)).every((k) => /^[^{}]*\{[^{}]+\}/.test(k))).toBe(true);
      expect(written.sort()).toEqual(
        [
          ...global,
          `${prefix}{ws:${workspace.id}}`,
          `${prefix}{ws:${workspace.id}}:keys`,
          `${prefix}{ws:${workspace.id}}:inboxes`,
          `${prefix}{key:${key.id}}`,
          `${prefix}{key:${key.id}}:rate`,
          `${prefix}{keyhash:${key.hash}}`,
          `${prefix}{inbox:${inbox.id}}`,
          `${prefix}{inbox:${inbox.id}}:messages`,
          `${prefix}{inbox:${inbox.id}}:summaries`,
          `${prefix}{inbox:${inbox.id}}:listing`,
          `${prefix}{inbox:${inbox.id}}:listing:unread`,
          `${prefix}{inbox:${inbox.id}}:listing:members`,
          `${prefix}{quota:${encodeURIComponent(`sends_per_day:${workspace.id}:2025-01-01`)}}`,
          `${prefix}{idem:${encodeURIComponent(`${workspace.id}:{tricky}:key`)}}`,
        ].sort(),
      );
    });

    it("keeps the dashboard's records under its prefix, each with a hash tag, sessions and invites expiring with them", async () => {
      const prefix = testPrefix();
      const store = await openTestStore(prefix);
      const workspaceId = randomUUID();
      const user = await store.createUser({ email: "Ops@Example.com", passwordHash: "hash" });
      if (user === undefined) throw new Error("the user was not created");
      await store.putMembership({ workspaceId, userId: user.id, role: "owner" });
      const expiresAtMs = Date.now() + 60_000;
      const sessionId = "s".repeat(64);
      await store.createSession({
        id: sessionId,
        userId: user.id,
        workspaceId,
        createdAt: new Date().toISOString(),
        expiresAtMs,
      });
      const inviteId = "i".repeat(64);
      await store.createInvite({
        id: inviteId,
        workspaceId,
        role: "member",
        createdAt: new Date().toISOString(),
        expiresAtMs,
      });
      await store.recordActivity({
        workspaceId,
        at: "2026-03-10T12:00:00.000Z",
        keyId: randomUUID(),
        tool: "list_inbox",
        inboxId: null,
        outcome: "ok",
        durationMs: 5,
      });

      const keys = redisKeys(prefix);
      const written = await withRedisClient(url, (client) => keysWithPrefix(client, prefix));
      expect(written.filter((k) => k !== `${prefix}users`).every((k) => /^[^{}]*\{[^{}]+\}/.test(k))).toBe(true);
      expect(written.sort()).toEqual(
        [
          `${prefix}users`,
          `${prefix}{user:${user.id}}`,
          `${prefix}{user:${user.id}}:workspaces`,
          `${prefix}{user:${user.id}}:sessions`,
          `${prefix}{user:${user.id}}:session:${sessionId}`,
          `${prefix}{session:${sessionId}}`,
          `${prefix}{ws:${workspaceId}}:members`,
          `${prefix}{ws:${workspaceId}}:activity`,
          `${prefix}{ws:${workspaceId}}:activity:seq`,
          `${prefix}{ws:${workspaceId}}:usage:2026-03`,
          `${prefix}{invite:${inviteId}}`,
        ].sort(),
      );
      const expiries = await withRedisClient(url, (client) =>
        Promise.all(
          [
            keys.session(user.id, sessionId),
            keys.sessionUser(sessionId),
            keys.userSessions(user.id),
            keys.invite(inviteId),
          ].map((key) => client.pexpiretime(key)),
        ),
      );
      expect(expiries).toEqual([expiresAtMs, expiresAtMs, expiresAtMs, expiresAtMs]);

      await store.deleteSessionsOfUser(user.id);
      expect(await store.takeInvite(inviteId, Date.now())).toBeDefined();
      const left = await withRedisClient(url, (client) => keysWithPrefix(client, prefix));
      expect(left.filter((k) => k.includes("session") || k.includes("invite"))).toEqual([]);
    });

    it("forgets a session and an invite when Redis's clock passes their expiry", async () => {
      const store = await openTestStore();
      const userId = randomUUID();
      const expiresAtMs = Date.now() + 200;
      const session = {
        id: randomUUID(),
        userId,
        workspaceId: randomUUID(),
        createdAt: new Date().toISOString(),
        expiresAtMs,
      };
      await store.createSession(session);
      await store.createInvite({
        id: "invite",
        workspaceId: null,
        role: "owner",
        createdAt: new Date().toISOString(),
        expiresAtMs,
      });
      expect(await store.getSession(session.id, expiresAtMs - 100)).toEqual(session);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Asked with a time before the expiry: only Redis's TTL can have removed them.
      expect(await store.getSession(session.id, expiresAtMs - 100)).toBeUndefined();
      expect(await store.takeInvite("invite", expiresAtMs - 100)).toBeUndefined();
    });

    it("lists summaries of messages stored before summaries were kept (only in the messages hash)", async () => {
      const prefix = testPrefix();
      const store = await openTestStore(prefix);
      const inbox = await store.createInbox({
        workspaceId: randomUUID(),
        mode: "test",
        kind: "sandbox",
        addresses: [],
        secret: null,
      });
      const legacy = {
        folder: "INBOX",
        date: "2025-01-01T08:00:00.000Z",
        unread: true,
        data: { raw: "Subject: old", thread_id: "t1", subject: "old", body_text: "old body" },
      };
      const client = await connectRedis(url);
      try {
        await client.hset(redisKeys(prefix).inboxMessages(inbox.id), "old", JSON.stringify(legacy));
      } finally {
        await client.quit();
      }
      const newer = {
        inboxId: inbox.id,
        id: "new",
        folder: "SENT",
        date: "2025-01-02T08:00:00.000Z",
        unread: false,
        data: { raw: "Subject: new", subject: "new" },
      };
      await store.putSandboxMessages([newer]);
      expect(await store.listSandboxSummaries(inbox.id)).toEqual([
        { ...newer, data: { subject: "new" } },
        {
          inboxId: inbox.id,
          id: "old",
          folder: "INBOX",
          date: legacy.date,
          unread: true,
          data: { thread_id: "t1", subject: "old" },
        },
      ]);
      expect((await store.listSandboxMessages(inbox.id)).map((message) => message.data)).toEqual([
        newer.data,
        legacy.data,
      ]);
    });

    it("two instances on one Redis see each other's writes at once", async () => {
      const prefix = testPrefix();
      const [first, second] = [await openTestStore(prefix), await openTestStore(prefix)];
      const workspace = await first.createWorkspace({ name: "Shared", plan: "pro" });
      const key = await first.createApiKey({
        id: randomUUID(),
        workspaceId: workspace.id,
        mode: "test",
        scopes: ["send:email"],
        hash: "c".repeat(64),
        hint: "mcpe_test_…cccc",
        name: "cli",
      });
      expect(await second.findApiKeyByHash(key.hash)).toEqual(key);
      expect(await second.revokeApiKey(key.id)).toBe(true);
      expect((await first.findApiKeyByHash(key.hash))?.revokedAt).toEqual(expect.any(String));
    });

    it("two instances hitting one key at once together get exactly the limit", async () => {
      const prefix = testPrefix();
      const [first, second] = [await openTestStore(prefix), await openTestStore(prefix)];
      const keyId = randomUUID();
      const nowMs = Date.now();
      const hit = (store: Store) => store.hitRateWindows(keyId, [{ name: "minute", seconds: 60, limit: 100 }], nowMs);
      const decisions = await Promise.all(Array.from({ length: 150 }, (_, i) => hit(i % 2 === 0 ? first : second)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(100);
    });

    it("fails at open, naming the unreachable address, when Redis does not answer", async () => {
      const unreachable = label === "standalone" ? "redis://127.0.0.1:1" : "redis+cluster://127.0.0.1:1";
      await expect(openRedisStore({ url: unreachable, secretKey })).rejects.toThrow(
        /cannot reach Redis at redis(\+cluster)?:\/\/127\.0\.0\.1:1/,
      );
    });
  });
}

// The behaviour every Store adapter must show, as one vitest suite that each adapter's test file runs
// against a fresh store per test. Times that matter are passed as nowMs, so the rate windows and the
// idempotency records are checked to the millisecond; only quota expiry waits on the real clock
// (consumeQuota takes the period's end, not the time of the call).
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SANDBOX_BULK_FIELDS,
  type ApiKeyRecord,
  type RateWindow,
  type SandboxMessage,
  type Store,
} from "../../src/store/store.js";

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** A realistic clock reading, so that nothing depends on times being small. */
const T0 = 1_760_000_000_000;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name}: the Store contract`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup();
    });

    const keyRecord = (
      workspaceId: string,
      overrides: Partial<Omit<ApiKeyRecord, "createdAt" | "revokedAt">> = {},
    ) => ({
      id: randomUUID(),
      workspaceId,
      mode: "test" as const,
      scopes: ["read:email" as const, "send:email" as const],
      hash: createHash("sha256").update(randomUUID()).digest("hex"),
      hint: "mcpe_test_…abcd",
      name: "laptop",
      ...overrides,
    });

    const sandboxInbox = (workspaceId: string) =>
      store.createInbox({
        workspaceId,
        mode: "test",
        kind: "sandbox",
        addresses: ["sandbox@example.test"],
        secret: null,
      });

    describe("workspaces", () => {
      it("creates a workspace with a UUID, its plan, no overrides unless given, and its creation time", async () => {
        const workspace = await store.createWorkspace({ name: "Acme", plan: "pro" });
        expect(workspace).toEqual({
          id: expect.stringMatching(UUID),
          name: "Acme",
          plan: "pro",
          sendsPerDayOverride: null,
          callsPerMonthOverride: null,
          rateLimitsOverride: null,
          createdAt: expect.stringMatching(ISO_TIME),
        });
        expect(await store.getWorkspace(workspace.id)).toEqual(workspace);
      });

      it("keeps an enterprise workspace's own daily send quota", async () => {
        const workspace = await store.createWorkspace({
          name: "Big Co",
          plan: "enterprise",
          sendsPerDayOverride: 25_000,
        });
        expect((await store.getWorkspace(workspace.id))?.sendsPerDayOverride).toBe(25_000);
      });

      it("has nothing under an unknown id", async () => {
        expect(await store.getWorkspace(randomUUID())).toBeUndefined();
      });

      it("changes the limits an update names, keeps the others, and forgets one set to null", async () => {
        const workspace = await store.createWorkspace({ name: "Acme", plan: "pro", sendsPerDayOverride: 40 });
        const updated = await store.updateWorkspaceLimits(workspace.id, {
          callsPerMonthOverride: 1_000_000,
          rateLimitsOverride: { minute: 5_000, day: 200_000 },
        });
        expect(updated).toEqual({
          ...workspace,
          callsPerMonthOverride: 1_000_000,
          rateLimitsOverride: { minute: 5_000, day: 200_000 },
        });
        expect(await store.getWorkspace(workspace.id)).toEqual(updated);

        const cleared = await store.updateWorkspaceLimits(workspace.id, {
          sendsPerDayOverride: null,
          rateLimitsOverride: null,
        });
        expect(cleared).toEqual({ ...workspace, sendsPerDayOverride: null, callsPerMonthOverride: 1_000_000 });
        expect(await store.getWorkspace(workspace.id)).toEqual(cleared);
      });

      it("updates no workspace that does not exist, and creates none", async () => {
        const id = randomUUID();
        expect(await store.updateWorkspaceLimits(id, { callsPerMonthOverride: 10 })).toBeUndefined();
        expect(await store.getWorkspace(id)).toBeUndefined();
        expect(await store.listWorkspaces()).toEqual([]);
      });

      it("lists every workspace, oldest first", async () => {
        expect(await store.listWorkspaces()).toEqual([]);
        const first = await store.createWorkspace({ name: "First", plan: "free" });
        await sleep(2);
        const second = await store.createWorkspace({ name: "Second", plan: "pro" });
        expect(await store.listWorkspaces()).toEqual([first, second]);
      });
    });

    describe("API keys", () => {
      it("saves a key record with its creation time and no revocation", async () => {
        const record = keyRecord(randomUUID());
        const created = await store.createApiKey(record);
        expect(created).toEqual({ ...record, createdAt: expect.stringMatching(ISO_TIME), revokedAt: null });
      });

      it("finds a key by the hash of the whole key, and nothing by an unknown hash", async () => {
        const created = await store.createApiKey(
          keyRecord(randomUUID(), { name: null, mode: "live", scopes: ["read:email"] }),
        );
        expect(await store.findApiKeyByHash(created.hash)).toEqual(created);
        expect(await store.findApiKeyByHash("0".repeat(64))).toBeUndefined();
      });

      it("refuses a second key with the same hash", async () => {
        const first = await store.createApiKey(keyRecord(randomUUID()));
        await expect(store.createApiKey(keyRecord(randomUUID(), { hash: first.hash }))).rejects.toThrow();
        expect((await store.findApiKeyByHash(first.hash))?.id).toBe(first.id);
      });

      it("lists the keys of one workspace only, oldest first", async () => {
        const [mine, theirs] = [randomUUID(), randomUUID()];
        const first = await store.createApiKey(keyRecord(mine));
        await sleep(2);
        const second = await store.createApiKey(keyRecord(mine));
        await store.createApiKey(keyRecord(theirs));
        expect(await store.listApiKeys(mine)).toEqual([first, second]);
        expect(await store.listApiKeys(randomUUID())).toEqual([]);
      });

      it("revokes a key: still findable by its hash, now with revokedAt set", async () => {
        const created = await store.createApiKey(keyRecord(randomUUID()));
        expect(await store.revokeApiKey(created.id)).toBe(true);
        const revoked = await store.findApiKeyByHash(created.hash);
        expect(revoked).toEqual({ ...created, revokedAt: expect.stringMatching(ISO_TIME) });
        expect(await store.listApiKeys(created.workspaceId)).toEqual([revoked]);
      });

      it("revoking twice answers true and keeps the first revocation time", async () => {
        const created = await store.createApiKey(keyRecord(randomUUID()));
        await store.revokeApiKey(created.id);
        const firstRevocation = (await store.findApiKeyByHash(created.hash))?.revokedAt;
        await sleep(2);
        expect(await store.revokeApiKey(created.id)).toBe(true);
        expect((await store.findApiKeyByHash(created.hash))?.revokedAt).toBe(firstRevocation);
      });

      it("revoking an unknown key answers false", async () => {
        expect(await store.revokeApiKey(randomUUID())).toBe(false);
      });
    });

    describe("inboxes", () => {
      it("creates an inbox under a fresh UUID (the spec's inbox_id format)", async () => {
        const inbox = await store.createInbox({
          workspaceId: randomUUID(),
          mode: "test",
          kind: "sandbox",
          addresses: ["a@example.test", "b@example.test"],
          secret: null,
        });
        expect(inbox.id).toMatch(UUID);
        expect(inbox.createdAt).toMatch(ISO_TIME);
        expect(await store.getInbox(inbox.id)).toEqual(inbox);
      });

      it("keeps an id the caller chose, and refuses one that exists", async () => {
        const id = randomUUID();
        const inbox = await store.createInbox({
          id,
          workspaceId: randomUUID(),
          mode: "test",
          kind: "sandbox",
          addresses: [],
          secret: null,
        });
        expect(inbox.id).toBe(id);
        await expect(
          store.createInbox({
            id,
            workspaceId: randomUUID(),
            mode: "test",
            kind: "sandbox",
            addresses: [],
            secret: null,
          }),
        ).rejects.toThrow();
        expect(await store.getInbox(id)).toEqual(inbox);
      });

      it("gives back provider settings exactly as given (they are encrypted at rest)", async () => {
        const secret = JSON.stringify({
          host: "imap.example.test",
          user: "zoë",
          password: "p@ss:wörd ✓",
          refreshToken: "1//0g",
        });
        const inbox = await store.createInbox({
          workspaceId: randomUUID(),
          mode: "live",
          kind: "imap",
          addresses: ["zoe@example.test"],
          secret,
        });
        expect(inbox.secret).toBe(secret);
        expect((await store.getInbox(inbox.id))?.secret).toBe(secret);
        expect((await store.listInboxes(inbox.workspaceId))[0]?.secret).toBe(secret);
      });

      it("replaces an inbox's provider settings, and refuses an inbox that does not exist", async () => {
        const inbox = await store.createInbox({
          workspaceId: randomUUID(),
          mode: "live",
          kind: "outlook",
          addresses: ["zoe@example.test"],
          secret: '{"cache":"old"}',
        });
        expect(await store.updateInboxSecret(inbox.id, '{"cache":"new ✓"}')).toBe(true);
        expect((await store.getInbox(inbox.id))?.secret).toBe('{"cache":"new ✓"}');
        expect(await store.removeInbox(inbox.id)).toBe(true);
        expect(await store.updateInboxSecret(inbox.id, '{"cache":"newer"}')).toBe(false);
        expect(await store.getInbox(inbox.id)).toBeUndefined();
      });

      it("lists the inboxes of one workspace, or of all workspaces, oldest first", async () => {
        const [mine, theirs] = [randomUUID(), randomUUID()];
        const first = await sandboxInbox(mine);
        await sleep(2);
        const second = await sandboxInbox(mine);
        await sleep(2);
        const other = await sandboxInbox(theirs);
        expect(await store.listInboxes(mine)).toEqual([first, second]);
        expect(await store.listInboxes(theirs)).toEqual([other]);
        expect(await store.listInboxes()).toEqual([first, second, other]);
      });

      it("removes an inbox with its sandbox messages; removing again answers false", async () => {
        const inbox = await sandboxInbox(randomUUID());
        await store.putSandboxMessages([message(inbox.id, "m1", "2025-01-01T00:00:00.000Z")]);
        expect(await store.removeInbox(inbox.id)).toBe(true);
        expect(await store.getInbox(inbox.id)).toBeUndefined();
        expect(await store.listInboxes(inbox.workspaceId)).toEqual([]);
        expect(await store.listInboxes()).toEqual([]);
        expect(await store.listSandboxMessages(inbox.id)).toEqual([]);
        expect(await store.removeInbox(inbox.id)).toBe(false);
      });

      it("has nothing under an unknown id", async () => {
        expect(await store.getInbox(randomUUID())).toBeUndefined();
        expect(await store.removeInbox(randomUUID())).toBe(false);
      });
    });

    describe("rate windows", () => {
      const minute = (limit: number): RateWindow => ({ name: "minute", seconds: 60, limit });

      it("allows exactly limit requests in a window and refuses the next with the exact wait", async () => {
        const key = randomUUID();
        for (const at of [T0, T0 + 1 * SECOND, T0 + 2 * SECOND]) {
          expect(await store.hitRateWindows(key, [minute(3)], at)).toEqual({ allowed: true });
        }
        expect(await store.hitRateWindows(key, [minute(3)], T0 + 2500)).toEqual({
          allowed: false,
          window: "minute",
          limit: 3,
          retryAfterMs: MINUTE - 2500,
        });
      });

      it("retryAfterMs is exact: one millisecond earlier is refused, at that instant the request passes", async () => {
        const key = randomUUID();
        await store.hitRateWindows(key, [minute(1)], T0);
        const refused = await store.hitRateWindows(key, [minute(1)], T0 + 10 * SECOND);
        expect(refused).toMatchObject({ allowed: false, retryAfterMs: 50 * SECOND });
        expect(await store.hitRateWindows(key, [minute(1)], T0 + MINUTE - 1)).toMatchObject({
          allowed: false,
          retryAfterMs: 1,
        });
        expect(await store.hitRateWindows(key, [minute(1)], T0 + MINUTE)).toEqual({ allowed: true });
      });

      it("does not record a refused request", async () => {
        const key = randomUUID();
        const twoPerTenSeconds: RateWindow = { name: "ten", seconds: 10, limit: 2 };
        await store.hitRateWindows(key, [twoPerTenSeconds], T0);
        await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 1 * SECOND);
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 5 * SECOND)).toMatchObject({ allowed: false });
        // Had the refusal at +5 s counted, the window would still be full at +10 s.
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 10 * SECOND)).toEqual({ allowed: true });
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 10 * SECOND)).toMatchObject({
          allowed: false,
          retryAfterMs: 1 * SECOND,
        });
      });

      it("slides: each old request frees its place as it leaves the window", async () => {
        const key = randomUUID();
        const twoPerTenSeconds: RateWindow = { name: "ten", seconds: 10, limit: 2 };
        await store.hitRateWindows(key, [twoPerTenSeconds], T0);
        await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 4 * SECOND);
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 9 * SECOND)).toMatchObject({
          allowed: false,
          retryAfterMs: 1 * SECOND,
        });
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 10 * SECOND)).toEqual({ allowed: true });
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 10 * SECOND)).toMatchObject({
          allowed: false,
          retryAfterMs: 4 * SECOND,
        });
        expect(await store.hitRateWindows(key, [twoPerTenSeconds], T0 + 14 * SECOND)).toEqual({ allowed: true });
      });

      it("honours all three windows: minute, hour and day each refuse when full", async () => {
        const key = randomUUID();
        const windows: RateWindow[] = [
          { name: "minute", seconds: 60, limit: 3 },
          { name: "hour", seconds: 3600, limit: 5 },
          { name: "day", seconds: 86_400, limit: 7 },
        ];
        const hit = (at: number) => store.hitRateWindows(key, windows, at);

        for (let i = 0; i < 3; i++) expect(await hit(T0)).toEqual({ allowed: true });
        expect(await hit(T0)).toEqual({ allowed: false, window: "minute", limit: 3, retryAfterMs: MINUTE });

        for (let i = 0; i < 2; i++) expect(await hit(T0 + MINUTE)).toEqual({ allowed: true });
        expect(await hit(T0 + MINUTE)).toEqual({
          allowed: false,
          window: "hour",
          limit: 5,
          retryAfterMs: HOUR - MINUTE,
        });

        // The first three leave the hour window; the day still holds all five.
        for (let i = 0; i < 2; i++) expect(await hit(T0 + HOUR)).toEqual({ allowed: true });
        expect(await hit(T0 + HOUR)).toEqual({ allowed: false, window: "day", limit: 7, retryAfterMs: DAY - HOUR });

        expect(await hit(T0 + DAY)).toEqual({ allowed: true });
      });

      it("when several windows are full, waits for the last of them to free a place", async () => {
        const key = randomUUID();
        const windows: RateWindow[] = [
          { name: "short", seconds: 10, limit: 1 },
          { name: "long", seconds: 30, limit: 2 },
        ];
        await store.hitRateWindows(key, windows, T0);
        await store.hitRateWindows(key, windows, T0 + 10 * SECOND);
        // short frees a place at +20 s, long only at +30 s (when the hit at T0 leaves it).
        expect(await store.hitRateWindows(key, windows, T0 + 15 * SECOND)).toEqual({
          allowed: false,
          window: "long",
          limit: 2,
          retryAfterMs: 15 * SECOND,
        });
        expect(await store.hitRateWindows(key, windows, T0 + 20 * SECOND)).toEqual({
          allowed: false,
          window: "long",
          limit: 2,
          retryAfterMs: 10 * SECOND,
        });
        expect(await store.hitRateWindows(key, windows, T0 + 30 * SECOND)).toEqual({ allowed: true });
      });

      it("when a window holds more than its limit (the limit was lowered), waits until enough of the oldest have left", async () => {
        const key = randomUUID();
        for (let i = 0; i < 5; i++) await store.hitRateWindows(key, [minute(5)], T0 + i * SECOND);
        // 5 hits, limit 3: the hits at +0, +1 and +2 s must all leave; the one at +2 s leaves at +62 s.
        expect(await store.hitRateWindows(key, [minute(3)], T0 + 10 * SECOND)).toMatchObject({
          allowed: false,
          retryAfterMs: 52 * SECOND,
        });
        expect(await store.hitRateWindows(key, [minute(3)], T0 + 62 * SECOND)).toEqual({ allowed: true });
      });

      it("keeps a separate log per key", async () => {
        const [first, second] = [randomUUID(), randomUUID()];
        expect(await store.hitRateWindows(first, [minute(1)], T0)).toEqual({ allowed: true });
        expect(await store.hitRateWindows(second, [minute(1)], T0)).toEqual({ allowed: true });
        expect(await store.hitRateWindows(first, [minute(1)], T0)).toMatchObject({ allowed: false });
      });

      it("150 concurrent requests on a fresh key with a limit of 100 give exactly 100 passes", async () => {
        const key = randomUUID();
        const decisions = await Promise.all(
          Array.from({ length: 150 }, () => store.hitRateWindows(key, [minute(100)], T0)),
        );
        expect(decisions.filter((decision) => decision.allowed)).toHaveLength(100);
        expect(decisions.filter((decision) => !decision.allowed)).toEqual(
          Array(50).fill({ allowed: false, window: "minute", limit: 100, retryAfterMs: MINUTE }),
        );
      });

      it("refuses windows that no request could pass", async () => {
        await expect(store.hitRateWindows(randomUUID(), [minute(0)], T0)).rejects.toThrow(RangeError);
        await expect(store.hitRateWindows(randomUUID(), [], T0)).rejects.toThrow(RangeError);
      });
    });

    describe("quotas", () => {
      const inAnHour = () => Date.now() + HOUR;

      it("takes units up to the limit, then refuses, saying how many are used", async () => {
        const counter = `sends_per_day:${randomUUID()}:2025-01-01`;
        expect(await store.consumeQuota(counter, 2, inAnHour())).toEqual({ allowed: true, used: 1 });
        expect(await store.consumeQuota(counter, 2, inAnHour())).toEqual({ allowed: true, used: 2 });
        expect(await store.consumeQuota(counter, 2, inAnHour())).toEqual({ allowed: false, used: 2 });
      });

      it("gives exactly limit passes under 50-way concurrency", async () => {
        const counter = `calls_per_month:${randomUUID()}:2025-01`;
        const decisions = await Promise.all(
          Array.from({ length: 50 }, () => store.consumeQuota(counter, 20, inAnHour())),
        );
        const passed = decisions.filter((decision) => decision.allowed);
        expect(passed.map((decision) => decision.used).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        expect(decisions.filter((decision) => !decision.allowed)).toEqual(Array(30).fill({ allowed: false, used: 20 }));
      });

      it("release gives one unit back", async () => {
        const counter = randomUUID();
        await store.consumeQuota(counter, 1, inAnHour());
        expect(await store.consumeQuota(counter, 1, inAnHour())).toEqual({ allowed: false, used: 1 });
        await store.releaseQuota(counter);
        expect(await store.consumeQuota(counter, 1, inAnHour())).toEqual({ allowed: true, used: 1 });
      });

      it("release never takes a counter below zero", async () => {
        const counter = randomUUID();
        await store.releaseQuota(counter);
        await store.releaseQuota(counter);
        expect(await store.consumeQuota(counter, 5, inAnHour())).toEqual({ allowed: true, used: 1 });
      });

      it("keeps counters apart", async () => {
        const [first, second] = [randomUUID(), randomUUID()];
        await store.consumeQuota(first, 1, inAnHour());
        expect(await store.consumeQuota(second, 1, inAnHour())).toEqual({ allowed: true, used: 1 });
      });

      it("starts a counter again once it has expired", async () => {
        const counter = randomUUID();
        const expiresAtMs = Date.now() + 300;
        await store.consumeQuota(counter, 1, expiresAtMs);
        expect(await store.consumeQuota(counter, 1, expiresAtMs)).toEqual({ allowed: false, used: 1 });
        await sleep(expiresAtMs - Date.now() + 50);
        expect(await store.consumeQuota(counter, 1, Date.now() + HOUR)).toEqual({ allowed: true, used: 1 });
      });
    });

    describe("idempotency", () => {
      const options = (nowMs: number) => ({ nowMs, ttlMs: DAY, staleAfterMs: 10 * MINUTE });

      it("starts for the first caller; a second caller is told it is in progress", async () => {
        const key = randomUUID();
        expect(await store.beginIdempotent(key, "fingerprint", options(T0))).toEqual({ state: "started" });
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + SECOND))).toEqual({ state: "in_progress" });
      });

      it("once completed, returns the stored result to every later caller", async () => {
        const key = randomUUID();
        const result = {
          message_id: "m-1",
          thread_id: "t-1",
          delivery_status: "accepted",
          note: "Grüße ✉",
          nested: { list: [1, null, true] },
        };
        await store.beginIdempotent(key, "fingerprint", options(T0));
        await store.completeIdempotent(key, result);
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + SECOND))).toEqual({
          state: "completed",
          result,
        });
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + HOUR))).toEqual({
          state: "completed",
          result,
        });
      });

      it("answers mismatch to another fingerprint under the same key, started or completed", async () => {
        const key = randomUUID();
        await store.beginIdempotent(key, "first arguments", options(T0));
        expect(await store.beginIdempotent(key, "other arguments", options(T0))).toEqual({ state: "mismatch" });
        await store.completeIdempotent(key, { ok: true });
        expect(await store.beginIdempotent(key, "other arguments", options(T0))).toEqual({ state: "mismatch" });
      });

      it("a started operation older than staleAfterMs is unknown, and stays unknown", async () => {
        const key = randomUUID();
        const staleAfterMs = 10 * MINUTE;
        await store.beginIdempotent(key, "fingerprint", options(T0));
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + staleAfterMs))).toEqual({
          state: "in_progress",
        });
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + staleAfterMs + 1))).toEqual({
          state: "unknown",
        });
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + staleAfterMs + 2))).toEqual({
          state: "unknown",
        });
        // Even an instance whose clock lags sees it as unknown: it is never started again.
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + 1))).toEqual({ state: "unknown" });
      });

      it("abandoning a started operation lets a retry start", async () => {
        const key = randomUUID();
        await store.beginIdempotent(key, "fingerprint", options(T0));
        await store.abandonIdempotent(key);
        expect(await store.beginIdempotent(key, "fingerprint", options(T0 + SECOND))).toEqual({ state: "started" });
      });

      it("abandoning never forgets a completed operation", async () => {
        const key = randomUUID();
        await store.beginIdempotent(key, "fingerprint", options(T0));
        await store.completeIdempotent(key, "done");
        await store.abandonIdempotent(key);
        expect(await store.beginIdempotent(key, "fingerprint", options(T0))).toEqual({
          state: "completed",
          result: "done",
        });
      });

      it("forgets a record ttlMs after it started, so the key may be used again", async () => {
        const key = randomUUID();
        await store.beginIdempotent(key, "fingerprint", options(T0));
        await store.completeIdempotent(key, "done");
        expect(await store.beginIdempotent(key, "other arguments", options(T0 + DAY - 1))).toEqual({
          state: "mismatch",
        });
        expect(await store.beginIdempotent(key, "other arguments", options(T0 + DAY))).toEqual({ state: "started" });
      });

      it("completing or abandoning a key that was never begun leaves nothing behind", async () => {
        const key = randomUUID();
        await store.completeIdempotent(key, "done");
        await store.abandonIdempotent(key);
        expect(await store.beginIdempotent(key, "fingerprint", options(T0))).toEqual({ state: "started" });
      });
    });

    describe("sandbox messages", () => {
      it("lists an inbox's messages newest first", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const older = message(inbox.id, "older", "2025-01-01T08:00:00.000Z");
        const newer = message(inbox.id, "newer", "2025-01-02T08:00:00.000Z", { folder: "SENT", unread: false });
        await store.putSandboxMessages([older, newer]);
        expect(await store.listSandboxMessages(inbox.id)).toEqual([newer, older]);
      });

      it("replaces a message put again under the same id", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const original = message(inbox.id, "m1", "2025-01-01T08:00:00.000Z");
        await store.putSandboxMessages([original]);
        const read = { ...original, unread: false, folder: "ARCHIVE" };
        await store.putSandboxMessages([read]);
        expect(await store.listSandboxMessages(inbox.id)).toEqual([read]);
        expect(await store.getSandboxMessage(inbox.id, "m1")).toEqual(read);
      });

      it("gets one message by inbox and id, and nothing for an unknown id or another inbox", async () => {
        const [inbox, other] = [await sandboxInbox(randomUUID()), await sandboxInbox(randomUUID())];
        const stored = message(inbox.id, "m1", "2025-01-01T08:00:00.000Z");
        await store.putSandboxMessages([stored, message(other.id, "m2", "2025-01-01T09:00:00.000Z")]);
        expect(await store.getSandboxMessage(inbox.id, "m1")).toEqual(stored);
        expect(await store.getSandboxMessage(inbox.id, "unknown")).toBeUndefined();
        expect(await store.getSandboxMessage(other.id, "m1")).toBeUndefined();
        expect((await store.listSandboxMessages(other.id)).map((m) => m.id)).toEqual(["m2"]);
      });

      it("keeps a message's data exactly: nesting, non-ASCII, nulls, booleans, numbers", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const data = {
          subject: "Réunion 会議 📅",
          from: { name: "Zoë", email: "zoe@example.test" },
          headers: [
            ["Message-ID", "<a@b>"],
            ["In-Reply-To", null],
          ],
          attachments: [{ filename: "naïve.pdf", size: 1024, inline: false }],
        };
        await store.putSandboxMessages([message(inbox.id, "m1", "2025-01-01T08:00:00.000Z", { data })]);
        expect((await store.getSandboxMessage(inbox.id, "m1"))?.data).toEqual(data);
      });

      it("deletes messages with their summaries, leaving the others and other inboxes' alone", async () => {
        const [inbox, other] = [await sandboxInbox(randomUUID()), await sandboxInbox(randomUUID())];
        const kept = message(inbox.id, "kept", "2025-01-02T08:00:00.000Z");
        await store.putSandboxMessages([
          message(inbox.id, "gone-1", "2025-01-01T08:00:00.000Z"),
          message(inbox.id, "gone-2", "2025-01-01T09:00:00.000Z"),
          kept,
          message(other.id, "gone-1", "2025-01-01T08:00:00.000Z"),
        ]);
        await store.deleteSandboxMessages(inbox.id, ["gone-1", "gone-2", "never-stored"]);
        await store.deleteSandboxMessages(inbox.id, []);
        expect(await store.listSandboxMessages(inbox.id)).toEqual([kept]);
        expect((await store.listSandboxSummaries(inbox.id)).map((m) => m.id)).toEqual(["kept"]);
        expect(await store.getSandboxMessage(inbox.id, "gone-1")).toBeUndefined();
        expect((await store.listSandboxMessages(other.id)).map((m) => m.id)).toEqual(["gone-1"]);
      });

      it("does nothing when given no messages", async () => {
        const inbox = await sandboxInbox(randomUUID());
        await store.putSandboxMessages([]);
        expect(await store.listSandboxMessages(inbox.id)).toEqual([]);
        expect(await store.listSandboxSummaries(inbox.id)).toEqual([]);
      });
    });

    describe("sandbox message summaries", () => {
      const full = (id: string) => ({
        raw: `Subject: ${id}\r\n\r\nBody of ${id} 😀`,
        thread_id: `t-${id}`,
        from: { name: "Zoë", address: "zoe@example.test" },
        to: [],
        cc: [{ name: null, address: "cc@example.test" }],
        subject: `Réunion ${id}`,
        has_attachments: false,
        size_bytes: 1024,
        body_text: `Body of ${id} 😀`,
      });
      const summaryOf = (message: SandboxMessage) => {
        const { raw: _raw, body_text: _body, ...rest } = message.data as ReturnType<typeof full>;
        return { ...message, data: rest };
      };

      it("leaves out exactly the raw source and the text body", () => {
        expect([...SANDBOX_BULK_FIELDS].sort()).toEqual(["body_text", "raw"]);
      });

      it("lists the same messages as listSandboxMessages, in the same order, without raw and body_text", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const messages = [
          message(inbox.id, "b", "2025-01-01T08:00:00.000Z", { data: full("b") }),
          message(inbox.id, "a", "2025-01-01T08:00:00.000Z", { data: full("a"), unread: false }),
          message(inbox.id, "c", "2025-01-02T08:00:00.000Z", { data: full("c"), folder: "SENT" }),
          message(inbox.id, "d", "2024-12-31T23:59:59.999Z", { data: full("d") }),
        ];
        await store.putSandboxMessages(messages);
        const listed = await store.listSandboxMessages(inbox.id);
        expect(listed.map((m) => m.id)).toEqual(["c", "a", "b", "d"]);
        expect(await store.listSandboxSummaries(inbox.id)).toEqual(listed.map(summaryOf));
        expect(await store.listSandboxSummaries(randomUUID())).toEqual([]);
      });

      it("lists only the messages of one folder when asked, in the same order", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const messages = [
          message(inbox.id, "b", "2025-01-01T08:00:00.000Z", { data: full("b") }),
          message(inbox.id, "s", "2025-01-03T08:00:00.000Z", { data: full("s"), folder: "SENT" }),
          message(inbox.id, "a", "2025-01-01T08:00:00.000Z", { data: full("a") }),
          message(inbox.id, "c", "2025-01-02T08:00:00.000Z", { data: full("c") }),
        ];
        await store.putSandboxMessages(messages);
        const listed = await store.listSandboxMessages(inbox.id);
        expect((await store.listSandboxSummaries(inbox.id, "INBOX")).map((m) => m.id)).toEqual(["c", "a", "b"]);
        expect(await store.listSandboxSummaries(inbox.id, "INBOX")).toEqual(
          listed.filter((m) => m.folder === "INBOX").map(summaryOf),
        );
        expect(await store.listSandboxSummaries(inbox.id, "SENT")).toEqual(
          listed.filter((m) => m.folder === "SENT").map(summaryOf),
        );
        expect(await store.listSandboxSummaries(inbox.id, "TRASH")).toEqual([]);
        expect(await store.listSandboxSummaries(inbox.id, "inbox")).toEqual([]);
      });

      it("keeps data that is not an object, or has no bulk fields, as it is", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const messages = [
          message(inbox.id, "m1", "2025-01-01T08:00:00.000Z", { data: ["raw", "body_text"] }),
          message(inbox.id, "m2", "2025-01-02T08:00:00.000Z", { data: "raw" }),
          message(inbox.id, "m3", "2025-01-03T08:00:00.000Z", { data: null }),
          message(inbox.id, "m4", "2025-01-04T08:00:00.000Z", { data: { nested: { raw: "kept" } } }),
        ];
        await store.putSandboxMessages(messages);
        expect(await store.listSandboxSummaries(inbox.id)).toEqual(messages.toReversed());
      });

      it("follows every put: a message put again under the same id, and new ones", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const original = message(inbox.id, "m1", "2025-01-01T08:00:00.000Z", { data: full("m1") });
        await store.putSandboxMessages([original]);
        const moved = { ...original, unread: false, folder: "TRASH", data: { ...full("m1"), subject: "changed" } };
        const added = message(inbox.id, "m2", "2025-01-02T08:00:00.000Z", { data: full("m2") });
        await store.putSandboxMessages([moved, added]);
        expect(await store.listSandboxSummaries(inbox.id)).toEqual([summaryOf(added), summaryOf(moved)]);
      });

      it("are removed with their inbox", async () => {
        const inbox = await sandboxInbox(randomUUID());
        await store.putSandboxMessages([message(inbox.id, "m1", "2025-01-01T08:00:00.000Z", { data: full("m1") })]);
        expect(await store.removeInbox(inbox.id)).toBe(true);
        expect(await store.listSandboxSummaries(inbox.id)).toEqual([]);
      });

      it("agree with the messages after 40 concurrent puts of the same messages", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const puts = Array.from({ length: 40 }, (_, round) =>
          store.putSandboxMessages(
            ["m1", "m2", "m3"].map((id) =>
              message(inbox.id, id, "2025-01-01T08:00:00.000Z", {
                unread: round % 2 === 0,
                data: { ...full(id), size_bytes: round },
              }),
            ),
          ),
        );
        await Promise.all(puts);
        const listed = await store.listSandboxMessages(inbox.id);
        expect(listed).toHaveLength(3);
        expect(await store.listSandboxSummaries(inbox.id)).toEqual(listed.map(summaryOf));
      });
    });

    describe("close", () => {
      it("closes once, ignores a second close, and refuses calls afterwards", async () => {
        await store.close();
        await store.close();
        await expect(store.getWorkspace(randomUUID())).rejects.toThrow();
      });
    });
  });
}

function message(inboxId: string, id: string, date: string, overrides: Partial<SandboxMessage> = {}): SandboxMessage {
  return { inboxId, id, folder: "INBOX", date, unread: true, data: { subject: `Message ${id}` }, ...overrides };
}

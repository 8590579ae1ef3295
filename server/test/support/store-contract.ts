// The behaviour every Store adapter must show, as one vitest suite that each adapter's test file runs
// against a fresh store per test. Times that matter are passed as nowMs, so the rate windows and the
// idempotency records are checked to the millisecond; only quota expiry waits on the real clock
// (consumeQuota takes the period's end, not the time of the call). Sessions and invites are given
// expiry times on the real clock, since a store may also let them expire by it (Redis's TTLs).
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CORRESPONDENT_SIGHTINGS_MAX,
  SANDBOX_BULK_FIELDS,
  type Correspondent,
  type ActivityEntry,
  type InviteRecord,
  type RateWindow,
  type SandboxMessage,
  type SendDecisionEntry,
  type SessionRecord,
  type Store,
} from "../../src/store/store.js";
import type { SendPolicy } from "../../src/send-policy/send-policy.js";

const STRICT_POLICY: SendPolicy = {
  allowRecipients: ["example.com"],
  blockRecipients: ["ceo@example.com"],
  ownDomainsOnly: false,
  maxRecipients: 5,
  sendsPerHour: 20,
  noAttachments: true,
  noExternalLinks: true,
  blockedPhrases: ["wire transfer"],
  requireApproval: true,
  undoSeconds: 30,
};

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

/** Options the contract opens some stores with, which every adapter's open options take. */
export interface StoreOptionsUnderTest {
  /** ACTIVITY_LOG_CAPACITY unless given: the suite lowers it to see the log trimmed without writing 10,000 entries. */
  activityLogCapacity?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** A realistic clock reading, so that nothing depends on times being small. */
const T0 = 1_760_000_000_000;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function describeStoreContract(
  name: string,
  makeStore: (options?: StoreOptionsUnderTest) => Promise<StoreUnderTest>,
): void {
  describe(`${name}: the Store contract`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup();
    });

    const keyRecord = (workspaceId: string, overrides: Partial<Parameters<Store["createApiKey"]>[0]> = {}) => ({
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
          sendPolicy: null,
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

      it("keeps a workspace's default send policy beside its limits, and forgets it when set to null", async () => {
        const workspace = await store.createWorkspace({ name: "Acme", plan: "pro" });
        expect(workspace.sendPolicy).toBeNull();
        const before = await store.configVersion();
        const updated = await store.updateWorkspaceLimits(workspace.id, { sendPolicy: STRICT_POLICY });
        expect(updated).toEqual({ ...workspace, sendPolicy: STRICT_POLICY });
        expect(await store.getWorkspace(workspace.id)).toEqual(updated);
        expect(await store.configVersion()).toBeGreaterThan(before);
        const limited = await store.updateWorkspaceLimits(workspace.id, { callsPerMonthOverride: 10 });
        expect(limited?.sendPolicy).toEqual(STRICT_POLICY);
        expect((await store.updateWorkspaceLimits(workspace.id, { sendPolicy: null }))?.sendPolicy).toBeNull();
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
      it("saves a key record with its creation time, no revocation, every inbox of its workspace and no use yet", async () => {
        const record = keyRecord(randomUUID());
        const created = await store.createApiKey(record);
        expect(created).toEqual({
          ...record,
          inboxIds: null,
          createdAt: expect.stringMatching(ISO_TIME),
          revokedAt: null,
          lastUsedAt: null,
          sendPolicy: null,
        });
        expect(await store.findApiKeyByHash(created.hash)).toEqual(created);
      });

      it("keeps a key's own send policy, removes it with null, and raises the configuration version each time", async () => {
        const created = await store.createApiKey(keyRecord(randomUUID()));
        const before = await store.configVersion();
        expect(await store.setApiKeySendPolicy(created.id, STRICT_POLICY)).toBe(true);
        expect((await store.findApiKeyByHash(created.hash))?.sendPolicy).toEqual(STRICT_POLICY);
        expect((await store.listApiKeys(created.workspaceId))[0]?.sendPolicy).toEqual(STRICT_POLICY);
        const afterSet = await store.configVersion();
        expect(afterSet).toBeGreaterThan(before);
        expect(await store.setApiKeySendPolicy(created.id, null)).toBe(true);
        expect((await store.findApiKeyByHash(created.hash))?.sendPolicy).toBeNull();
        expect(await store.configVersion()).toBeGreaterThan(afterSet);
        expect(await store.setApiKeySendPolicy(randomUUID(), STRICT_POLICY)).toBe(false);
      });

      it("keeps the inboxes a key is limited to, as given; null gives it every inbox", async () => {
        const workspaceId = randomUUID();
        const [first, second] = [randomUUID(), randomUUID()];
        const limited = await store.createApiKey(keyRecord(workspaceId, { inboxIds: [second, first] }));
        const unlimited = await store.createApiKey(keyRecord(workspaceId, { inboxIds: null }));
        const none = await store.createApiKey(keyRecord(workspaceId, { inboxIds: [] }));
        expect(limited.inboxIds).toEqual([second, first]);
        expect(unlimited.inboxIds).toBeNull();
        expect((await store.findApiKeyByHash(limited.hash))?.inboxIds).toEqual([second, first]);
        expect((await store.findApiKeyByHash(unlimited.hash))?.inboxIds).toBeNull();
        expect((await store.findApiKeyByHash(none.hash))?.inboxIds).toEqual([]);
        const listed = await store.listApiKeys(workspaceId);
        expect(listed).toHaveLength(3);
        expect(listed).toEqual(expect.arrayContaining([limited, unlimited, none]));
      });

      it("touchApiKey records when a key was last used, seen by findApiKeyByHash and listApiKeys", async () => {
        const created = await store.createApiKey(keyRecord(randomUUID()));
        await store.touchApiKey(created.id, "2026-03-01T10:15:00.000Z");
        expect(await store.findApiKeyByHash(created.hash)).toEqual({
          ...created,
          lastUsedAt: "2026-03-01T10:15:00.000Z",
        });
        await store.touchApiKey(created.id, "2026-03-01T10:16:00.000Z");
        expect((await store.listApiKeys(created.workspaceId))[0]?.lastUsedAt).toBe("2026-03-01T10:16:00.000Z");
      });

      it("a use reported late never moves lastUsedAt back (instances report calls out of order)", async () => {
        const created = await store.createApiKey(keyRecord(randomUUID()));
        await store.touchApiKey(created.id, "2026-03-01T10:16:00.000Z");
        await store.touchApiKey(created.id, "2026-03-01T10:15:00.000Z");
        expect((await store.findApiKeyByHash(created.hash))?.lastUsedAt).toBe("2026-03-01T10:16:00.000Z");
      });

      it("touching a revoked key keeps its revocation; touching an unknown key creates nothing", async () => {
        const created = await store.createApiKey(keyRecord(randomUUID()));
        await store.revokeApiKey(created.id);
        await store.touchApiKey(created.id, "2026-03-01T10:15:00.000Z");
        expect(await store.findApiKeyByHash(created.hash)).toMatchObject({
          revokedAt: expect.stringMatching(ISO_TIME),
          lastUsedAt: "2026-03-01T10:15:00.000Z",
        });
        const unknown = randomUUID();
        await store.touchApiKey(unknown, "2026-03-01T10:15:00.000Z");
        expect(await store.revokeApiKey(unknown)).toBe(false);
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

    describe("send log", () => {
      const decision = (
        workspaceId: string,
        at: string,
        extra: Partial<SendDecisionEntry> = {},
      ): SendDecisionEntry => ({
        workspaceId,
        at,
        keyId: "key-1",
        inboxId: "inbox-1",
        tool: "send_email",
        decision: "allowed",
        rule: null,
        recipients: ["alice@example.com", '"Bob" <b@example.com>'],
        outcome: "accepted",
        messageId: "m-1",
        ...extra,
      });

      it("gives a workspace's decisions back newest first, each as recorded with its seq, paged by beforeSeq", async () => {
        const workspaceId = randomUUID();
        const first = decision(workspaceId, "2026-12-05T10:00:00.000Z");
        const second = decision(workspaceId, "2026-12-05T10:00:01.000Z", {
          decision: "refused",
          rule: "recipient_blocked",
          outcome: "send_policy_refused",
          messageId: null,
        });
        const third = decision(workspaceId, "2026-12-05T10:00:02.000Z", { tool: "reply_to_email" });
        for (const entry of [first, second, third]) await store.recordSendDecision(entry);
        await store.recordSendDecision(decision(randomUUID(), "2026-12-05T10:00:03.000Z"));
        const all = await store.listSendDecisions(workspaceId, { limit: 10 });
        expect(all.map(({ seq: _seq, ...entry }) => entry)).toEqual([third, second, first]);
        expect(all[0]!.seq).toBeGreaterThan(all[1]!.seq);
        const page = await store.listSendDecisions(workspaceId, { beforeSeq: all[0]!.seq, limit: 1 });
        expect(page).toEqual([all[1]]);
        expect(await store.listSendDecisions(workspaceId, { beforeSeq: all[2]!.seq, limit: 10 })).toEqual([]);
        expect(await store.listSendDecisions(workspaceId, { limit: 0 })).toEqual([]);
      });
    });

    describe("held sends", () => {
      const hold = (workspaceId: string, sendAt: string | null) => ({
        id: `h-${randomUUID().replaceAll("-", "").slice(0, 24)}`,
        workspaceId,
        inboxId: randomUUID(),
        keyId: "key-1",
        tool: "send_email" as const,
        args: { subject: "Held", body: "Sealed at rest" },
        recipients: ["alice@example.com"],
        heldAt: "2026-12-05T10:00:00.000Z",
        sendAt,
      });
      const mine = (workspaceId: string, due: { workspaceId: string; holdId: string }[]) =>
        due.filter((entry) => entry.workspaceId === workspaceId).map((entry) => entry.holdId);

      it("keeps a hold without sendAt waiting for a person, and one with sendAt scheduled for it", async () => {
        const workspaceId = randomUUID();
        const waiting = hold(workspaceId, null);
        const scheduled = hold(workspaceId, "2026-12-05T10:00:30.000Z");
        await store.createSendHold(waiting);
        await store.createSendHold(scheduled);
        expect(await store.getSendHold(workspaceId, waiting.id)).toMatchObject({
          ...waiting,
          status: "pending_approval",
          decidedAt: null,
          outcome: null,
        });
        expect(await store.getSendHold(workspaceId, scheduled.id)).toMatchObject({
          sendAt: "2026-12-05T10:00:30.000Z",
          status: "scheduled",
        });
      });

      it("lists as due only the scheduled holds whose sendAt has come, oldest first, across workspaces", async () => {
        const workspaceId = randomUUID();
        const other = randomUUID();
        const later = hold(workspaceId, "2001-01-01T00:00:20.000Z");
        const earlier = hold(workspaceId, "2001-01-01T00:00:10.000Z");
        const future = hold(workspaceId, "2001-01-01T00:05:00.000Z");
        const elsewhere = hold(other, "2001-01-01T00:00:15.000Z");
        for (const entry of [later, earlier, future, elsewhere, hold(workspaceId, null)])
          await store.createSendHold(entry);
        const due = await store.listDueSendHolds("2001-01-01T00:01:00.000Z", 1_000);
        expect(mine(workspaceId, due)).toEqual([earlier.id, later.id]);
        expect(mine(other, due)).toEqual([elsewhere.id]);
        expect(await store.listDueSendHolds("2001-01-01T00:01:00.000Z", 0)).toEqual([]);
      });

      it("moves a hold out of the status it waits in once: a second decision, or one from another status, changes nothing", async () => {
        const workspaceId = randomUUID();
        const scheduled = hold(workspaceId, "2001-01-01T00:00:00.000Z");
        await store.createSendHold(scheduled);
        const at = "2026-12-05T10:00:31.000Z";
        expect(
          await store.decideSendHold(workspaceId, scheduled.id, {
            from: "pending_approval",
            to: "sending",
            by: "x",
            at,
          }),
        ).toBeUndefined();
        expect(
          await store.decideSendHold(workspaceId, scheduled.id, { from: "scheduled", to: "cancelled", by: "ann", at }),
        ).toMatchObject({ status: "cancelled", decidedBy: "ann", decidedAt: at });
        expect(
          await store.decideSendHold(workspaceId, scheduled.id, { from: "scheduled", to: "sending", by: "undo", at }),
        ).toBeUndefined();
        expect(mine(workspaceId, await store.listDueSendHolds("2002-01-01T00:00:00.000Z", 1_000))).toEqual([]);
        expect((await store.getSendHold(workspaceId, scheduled.id))?.status).toBe("cancelled");
      });
    });

    describe("known correspondents", () => {
      const seen = (address: string, receivedAtMs: number | null, writtenTo = false) => ({
        address,
        receivedAtMs,
        writtenTo,
      });
      const byAddress = (known: Correspondent[]) =>
        [...known].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

      it("records a sighting and answers it when asked, leaving out addresses never seen", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const answer = await store.observeCorrespondents(
          inbox.workspaceId,
          inbox.id,
          [seen("alice@example.com", T0), seen("bob@example.com", null, true)],
          ["alice@example.com", "bob@example.com", "carol@example.com"],
        );
        expect(answer.learned).toBe(false);
        expect(byAddress(answer.known)).toEqual([
          { address: "alice@example.com", firstReceivedAtMs: T0, writtenTo: false },
          { address: "bob@example.com", firstReceivedAtMs: null, writtenTo: true },
        ]);
        expect(await store.observeCorrespondents(inbox.workspaceId, inbox.id, [], ["carol@example.com"])).toEqual({
          learned: false,
          known: [],
        });
        expect(await store.observeCorrespondents(inbox.workspaceId, inbox.id, [], [])).toEqual({
          learned: false,
          known: [],
        });
      });

      it("answers an address asked twice once, and what was recorded by earlier calls", async () => {
        const inbox = await sandboxInbox(randomUUID());
        await store.observeCorrespondents(inbox.workspaceId, inbox.id, [seen("alice@example.com", T0)], []);
        const answer = await store.observeCorrespondents(
          inbox.workspaceId,
          inbox.id,
          [],
          ["alice@example.com", "alice@example.com"],
        );
        expect(answer.known).toEqual([{ address: "alice@example.com", firstReceivedAtMs: T0, writtenTo: false }]);
      });

      it("keeps the earliest date received, whatever the order of the sightings, across calls and within one", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const ask = async (sightings: ReturnType<typeof seen>[], address: string) =>
          (await store.observeCorrespondents(inbox.workspaceId, inbox.id, sightings, [address])).known;
        // A later date first, then an earlier one.
        await ask([seen("late-first@example.com", T0 + DAY)], "late-first@example.com");
        expect(await ask([seen("late-first@example.com", T0)], "late-first@example.com")).toEqual([
          { address: "late-first@example.com", firstReceivedAtMs: T0, writtenTo: false },
        ]);
        // An earlier date first, then a later one.
        await ask([seen("early-first@example.com", T0)], "early-first@example.com");
        expect(await ask([seen("early-first@example.com", T0 + DAY)], "early-first@example.com")).toEqual([
          { address: "early-first@example.com", firstReceivedAtMs: T0, writtenTo: false },
        ]);
        // Several sightings of one address in one call merge.
        expect(
          await ask(
            [
              seen("one-call@example.com", T0 + DAY),
              seen("one-call@example.com", null, true),
              seen("one-call@example.com", T0 + 1),
              seen("one-call@example.com", T0 + HOUR),
            ],
            "one-call@example.com",
          ),
        ).toEqual([{ address: "one-call@example.com", firstReceivedAtMs: T0 + 1, writtenTo: true }]);
      });

      it("keeps a date already known when a sighting has none, and takes the first date when none was known", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const ask = async (sighting: ReturnType<typeof seen>) =>
          (await store.observeCorrespondents(inbox.workspaceId, inbox.id, [sighting], [sighting.address])).known;
        await ask(seen("dated@example.com", T0));
        expect(await ask(seen("dated@example.com", null, true))).toEqual([
          { address: "dated@example.com", firstReceivedAtMs: T0, writtenTo: true },
        ]);
        expect(await ask(seen("undated@example.com", null, true))).toEqual([
          { address: "undated@example.com", firstReceivedAtMs: null, writtenTo: true },
        ]);
        expect(await ask(seen("undated@example.com", T0 + MINUTE))).toEqual([
          { address: "undated@example.com", firstReceivedAtMs: T0 + MINUTE, writtenTo: true },
        ]);
      });

      it("never takes writtenTo back to false", async () => {
        const inbox = await sandboxInbox(randomUUID());
        await store.observeCorrespondents(inbox.workspaceId, inbox.id, [seen("bob@example.com", null, true)], []);
        const answer = await store.observeCorrespondents(
          inbox.workspaceId,
          inbox.id,
          [seen("bob@example.com", T0, false), seen("bob@example.com", null, false)],
          ["bob@example.com"],
        );
        expect(answer.known).toEqual([{ address: "bob@example.com", firstReceivedAtMs: T0, writtenTo: true }]);
      });

      it("answers learned only once the inbox's history was marked learned, and marking again changes nothing", async () => {
        const inbox = await sandboxInbox(randomUUID());
        expect((await store.observeCorrespondents(inbox.workspaceId, inbox.id, [], [])).learned).toBe(false);
        await store.markCorrespondentsLearned(inbox.workspaceId, inbox.id);
        expect((await store.observeCorrespondents(inbox.workspaceId, inbox.id, [], [])).learned).toBe(true);
        await store.markCorrespondentsLearned(inbox.workspaceId, inbox.id);
        const answer = await store.observeCorrespondents(
          inbox.workspaceId,
          inbox.id,
          [seen("alice@example.com", T0)],
          ["alice@example.com"],
        );
        expect(answer).toEqual({
          learned: true,
          known: [{ address: "alice@example.com", firstReceivedAtMs: T0, writtenTo: false }],
        });
      });

      it("keeps each inbox's correspondents and learned flag to itself, in the same workspace or another", async () => {
        const workspaceId = randomUUID();
        const inbox = await sandboxInbox(workspaceId);
        const sibling = await sandboxInbox(workspaceId);
        const elsewhere = await sandboxInbox(randomUUID());
        await store.observeCorrespondents(workspaceId, inbox.id, [seen("alice@example.com", T0, true)], []);
        await store.markCorrespondentsLearned(workspaceId, inbox.id);
        for (const other of [sibling, elsewhere]) {
          expect(await store.observeCorrespondents(other.workspaceId, other.id, [], ["alice@example.com"])).toEqual({
            learned: false,
            known: [],
          });
        }
        await store.observeCorrespondents(sibling.workspaceId, sibling.id, [seen("alice@example.com", T0 - DAY)], []);
        expect(await store.observeCorrespondents(workspaceId, inbox.id, [], ["alice@example.com"])).toEqual({
          learned: true,
          known: [{ address: "alice@example.com", firstReceivedAtMs: T0, writtenTo: true }],
        });
      });

      it("are removed with their inbox, learned flag included", async () => {
        const inbox = await sandboxInbox(randomUUID());
        const kept = await sandboxInbox(inbox.workspaceId);
        await store.observeCorrespondents(inbox.workspaceId, inbox.id, [seen("alice@example.com", T0, true)], []);
        await store.observeCorrespondents(kept.workspaceId, kept.id, [seen("alice@example.com", T0)], []);
        await store.markCorrespondentsLearned(inbox.workspaceId, inbox.id);
        await store.markCorrespondentsLearned(kept.workspaceId, kept.id);
        expect(await store.removeInbox(inbox.id)).toBe(true);
        expect(await store.observeCorrespondents(inbox.workspaceId, inbox.id, [], ["alice@example.com"])).toEqual({
          learned: false,
          known: [],
        });
        expect(await store.observeCorrespondents(kept.workspaceId, kept.id, [], ["alice@example.com"])).toEqual({
          learned: true,
          known: [{ address: "alice@example.com", firstReceivedAtMs: T0, writtenTo: false }],
        });
      });

      it(`records only the first ${CORRESPONDENT_SIGHTINGS_MAX} sightings of a call`, async () => {
        const inbox = await sandboxInbox(randomUUID());
        const sightings = Array.from({ length: CORRESPONDENT_SIGHTINGS_MAX }, (_, i) =>
          seen(`a${i}@example.com`, null),
        );
        sightings.push(seen("over@example.com", T0), seen("a0@example.com", T0, true));
        const answer = await store.observeCorrespondents(inbox.workspaceId, inbox.id, sightings, [
          "a0@example.com",
          `a${CORRESPONDENT_SIGHTINGS_MAX - 1}@example.com`,
          "over@example.com",
        ]);
        expect(byAddress(answer.known)).toEqual([
          { address: "a0@example.com", firstReceivedAtMs: null, writtenTo: false },
          { address: `a${CORRESPONDENT_SIGHTINGS_MAX - 1}@example.com`, firstReceivedAtMs: null, writtenTo: false },
        ]);
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

      it("requires approval of an inbox's sends once set, and no longer once cleared, raising the configuration version each time", async () => {
        const inbox = await store.createInbox({
          workspaceId: randomUUID(),
          mode: "test",
          kind: "sandbox",
          addresses: ["a@example.test"],
          secret: null,
        });
        expect(inbox.requireApproval).toBe(false);
        const before = await store.configVersion();
        expect(await store.setInboxRequireApproval(inbox.id, true)).toBe(true);
        expect(await store.getInbox(inbox.id)).toEqual({ ...inbox, requireApproval: true });
        const between = await store.configVersion();
        expect(between).toBeGreaterThan(before);
        expect(await store.setInboxRequireApproval(inbox.id, false)).toBe(true);
        expect((await store.listInboxes(inbox.workspaceId))[0]?.requireApproval).toBe(false);
        expect(await store.configVersion()).toBeGreaterThan(between);
        expect(await store.setInboxRequireApproval(randomUUID(), true)).toBe(false);
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
        const stamp = await store.updateInboxSecret(inbox.id, '{"cache":"new ✓"}');
        expect(stamp).toEqual(expect.any(String));
        expect((await store.getInbox(inbox.id))?.secret).toBe('{"cache":"new ✓"}');
        expect(await store.removeInbox(inbox.id)).toBe(true);
        expect(await store.updateInboxSecret(inbox.id, '{"cache":"newer"}')).toBeUndefined();
        expect(await store.getInbox(inbox.id)).toBeUndefined();
      });

      it("stamps an inbox's secret: a new stamp on every write, even of the same settings; null for none", async () => {
        const inbox = await store.createInbox({
          workspaceId: randomUUID(),
          mode: "live",
          kind: "outlook",
          addresses: ["zoe@example.test"],
          secret: '{"cache":"old"}',
        });
        expect(inbox.secretStamp).toEqual(expect.any(String));
        const read = await store.getInbox(inbox.id);
        expect(read?.secretStamp).toBe(inbox.secretStamp);
        expect((await store.listInboxes(inbox.workspaceId))[0]?.secretStamp).toBe(inbox.secretStamp);

        const first = await store.updateInboxSecret(inbox.id, '{"cache":"same"}');
        const second = await store.updateInboxSecret(inbox.id, '{"cache":"same"}');
        expect(new Set([inbox.secretStamp, first, second]).size).toBe(3);
        const after = await store.getInbox(inbox.id);
        expect(after?.secretStamp).toBe(second);
        expect(after?.secret).toBe('{"cache":"same"}');
        // A record read before a write keeps what it read, stamp and settings alike.
        expect(read?.secret).toBe('{"cache":"old"}');
        expect(read?.secretStamp).toBe(inbox.secretStamp);
        expect({ ...after }).toEqual({ ...inbox, secret: '{"cache":"same"}', secretStamp: second });

        const sandbox = await sandboxInbox(randomUUID());
        expect(sandbox.secretStamp).toBeNull();
        expect((await store.getInbox(sandbox.id))?.secretStamp).toBeNull();
      });

      it("with ifStamp, writes an inbox's secret only over the stamp given, and tells the new stamp before the write", async () => {
        const inbox = await store.createInbox({
          workspaceId: randomUUID(),
          mode: "live",
          kind: "outlook",
          addresses: ["zoe@example.test"],
          secret: '{"cache":"old"}',
        });
        const stale = inbox.secretStamp;
        const told: string[] = [];
        const reconnect = await store.updateInboxSecret(inbox.id, '{"grant":"new"}', { ifStamp: stale });
        expect(reconnect).toEqual(expect.any(String));

        const late = await store.updateInboxSecret(inbox.id, '{"cache":"late"}', {
          ifStamp: stale,
          beforeWrite: (stamp) => told.push(stamp),
        });
        expect(late).toBeUndefined();
        expect(told).toHaveLength(1);
        expect(told[0]).not.toBe(reconnect);
        const read = await store.getInbox(inbox.id);
        expect(read?.secretStamp).toBe(reconnect);
        expect(read?.secret).toBe('{"grant":"new"}');

        const next = await store.updateInboxSecret(inbox.id, '{"cache":"next"}', {
          ifStamp: reconnect ?? null,
          beforeWrite: (stamp) => told.push(stamp),
        });
        expect(next).toBe(told[1]);
        expect((await store.getInbox(inbox.id))?.secret).toBe('{"cache":"next"}');

        const sandbox = await sandboxInbox(randomUUID());
        expect(await store.updateInboxSecret(sandbox.id, "{}", { ifStamp: "not its stamp" })).toBeUndefined();
        const set = await store.updateInboxSecret(sandbox.id, "{}", { ifStamp: null });
        expect(set).toEqual(expect.any(String));
        expect(await store.getInbox(sandbox.id)).toMatchObject({ secret: "{}", secretStamp: set });
        expect(await store.updateInboxSecret(randomUUID(), "{}", { ifStamp: null })).toBeUndefined();
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

    describe("quota used", () => {
      const inAnHour = () => Date.now() + HOUR;

      it("is what consumeQuota took and releaseQuota gave back, and 0 for a counter never taken", async () => {
        const counter = `calls_per_month:${randomUUID()}:2026-03`;
        expect(await store.quotaUsed(counter, Date.now())).toBe(0);
        await store.consumeQuota(counter, 5, inAnHour());
        await store.consumeQuota(counter, 5, inAnHour());
        expect(await store.quotaUsed(counter, Date.now())).toBe(2);
        await store.releaseQuota(counter);
        expect(await store.quotaUsed(counter, Date.now())).toBe(1);
        expect(await store.quotaUsed(randomUUID(), Date.now())).toBe(0);
      });

      it("takes nothing itself: reading at the limit leaves the counter as it is", async () => {
        const counter = randomUUID();
        await store.consumeQuota(counter, 1, inAnHour());
        expect(await store.quotaUsed(counter, Date.now())).toBe(1);
        expect(await store.quotaUsed(counter, Date.now())).toBe(1);
        expect(await store.consumeQuota(counter, 1, inAnHour())).toEqual({ allowed: false, used: 1 });
      });

      it("is 0 once the counter's period has ended", async () => {
        const counter = randomUUID();
        const expiresAtMs = Date.now() + 300;
        await store.consumeQuota(counter, 5, expiresAtMs);
        await sleep(expiresAtMs - Date.now() + 50);
        expect(await store.quotaUsed(counter, Date.now())).toBe(0);
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

    describe("users", () => {
      const passwordHash = "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA";

      it("creates a user with a UUID, the email as given, the password hash and the creation time", async () => {
        const user = await store.createUser({ email: "Ada.Lovelace@Example.com", passwordHash });
        expect(user).toEqual({
          id: expect.stringMatching(UUID),
          email: "Ada.Lovelace@Example.com",
          passwordHash,
          createdAt: expect.stringMatching(ISO_TIME),
        });
        expect(await store.getUser(user!.id)).toEqual(user);
        expect(await store.getUser(randomUUID())).toBeUndefined();
      });

      it("finds a user by email in any case, and nobody by an email no one has", async () => {
        const user = await store.createUser({ email: "Ada.Lovelace@Example.com", passwordHash });
        expect(await store.findUserByEmail("ada.lovelace@example.com")).toEqual(user);
        expect(await store.findUserByEmail("ADA.LOVELACE@EXAMPLE.COM")).toEqual(user);
        expect(await store.findUserByEmail("Ada.Lovelace@Example.com")).toEqual(user);
        expect(await store.findUserByEmail("grace@example.com")).toBeUndefined();
      });

      it("keeps one user per email regardless of case: a second is refused with undefined", async () => {
        const first = await store.createUser({ email: "ada@example.com", passwordHash });
        expect(await store.createUser({ email: "ADA@Example.COM", passwordHash: "other" })).toBeUndefined();
        expect(await store.findUserByEmail("ada@example.com")).toEqual(first);
        expect(await store.countUsers()).toBe(1);
      });

      it("compares emails in lower case beyond ASCII too", async () => {
        const zoe = await store.createUser({ email: "ZOË@example.com", passwordHash });
        expect(await store.createUser({ email: "zoë@example.com", passwordHash })).toBeUndefined();
        expect(await store.findUserByEmail("zoë@EXAMPLE.com")).toEqual(zoe);
        expect(await store.findUserByEmail("zoe@example.com")).toBeUndefined();
      });

      it("10 concurrent sign-ups with one email in different cases make exactly one user", async () => {
        const emails = Array.from({ length: 10 }, (_, i) =>
          [..."race@example.com"].map((c, j) => ((i >> (j % 4)) & 1 ? c.toUpperCase() : c)).join(""),
        );
        const results = await Promise.all(emails.map((email) => store.createUser({ email, passwordHash })));
        const created = results.filter((user) => user !== undefined);
        expect(created).toHaveLength(1);
        expect(await store.findUserByEmail("RACE@example.com")).toEqual(created[0]);
        expect(await store.countUsers()).toBe(1);
      });

      it("counts the users", async () => {
        expect(await store.countUsers()).toBe(0);
        await store.createUser({ email: "ada@example.com", passwordHash });
        await store.createUser({ email: "grace@example.com", passwordHash });
        await store.createUser({ email: "Grace@example.com", passwordHash });
        expect(await store.countUsers()).toBe(2);
      });
    });

    describe("memberships", () => {
      it("adds a user to a workspace with a role and the time they joined", async () => {
        const [workspaceId, userId] = [randomUUID(), randomUUID()];
        const membership = await store.putMembership({ workspaceId, userId, role: "owner" });
        expect(membership).toEqual({ workspaceId, userId, role: "owner", createdAt: expect.stringMatching(ISO_TIME) });
        expect(await store.listMembershipsOfUser(userId)).toEqual([membership]);
        expect(await store.listMembersOfWorkspace(workspaceId)).toEqual([membership]);
      });

      it("putting a membership again changes the role and keeps when they joined", async () => {
        const [workspaceId, userId] = [randomUUID(), randomUUID()];
        const joined = await store.putMembership({ workspaceId, userId, role: "member" });
        await sleep(2);
        const promoted = await store.putMembership({ workspaceId, userId, role: "owner" });
        expect(promoted).toEqual({ ...joined, role: "owner" });
        expect(await store.listMembersOfWorkspace(workspaceId)).toEqual([promoted]);
        expect(await store.listMembershipsOfUser(userId)).toEqual([promoted]);
      });

      it("lists a user's workspaces and a workspace's members, oldest membership first", async () => {
        const [user, other] = [randomUUID(), randomUUID()];
        const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
        const inFirst = await store.putMembership({ workspaceId: first, userId: user, role: "owner" });
        await sleep(2);
        const otherInSecond = await store.putMembership({ workspaceId: second, userId: other, role: "owner" });
        await sleep(2);
        const inSecond = await store.putMembership({ workspaceId: second, userId: user, role: "member" });
        await sleep(2);
        const inThird = await store.putMembership({ workspaceId: third, userId: user, role: "member" });
        // A change of role keeps each in its place.
        await store.putMembership({ workspaceId: first, userId: user, role: "member" });
        expect(await store.listMembershipsOfUser(user)).toEqual([{ ...inFirst, role: "member" }, inSecond, inThird]);
        expect(await store.listMembersOfWorkspace(second)).toEqual([otherInSecond, inSecond]);
        expect(await store.listMembershipsOfUser(randomUUID())).toEqual([]);
        expect(await store.listMembersOfWorkspace(randomUUID())).toEqual([]);
      });

      it("removes one membership, leaving the user's others and the workspace's other members", async () => {
        const [user, other] = [randomUUID(), randomUUID()];
        const [workspace, elsewhere] = [randomUUID(), randomUUID()];
        await store.putMembership({ workspaceId: workspace, userId: user, role: "member" });
        const stays = await store.putMembership({ workspaceId: workspace, userId: other, role: "owner" });
        const kept = await store.putMembership({ workspaceId: elsewhere, userId: user, role: "owner" });
        expect(await store.removeMembership(workspace, user)).toBe(true);
        expect(await store.listMembersOfWorkspace(workspace)).toEqual([stays]);
        expect(await store.listMembershipsOfUser(user)).toEqual([kept]);
        expect(await store.removeMembership(workspace, user)).toBe(false);
        expect(await store.removeMembership(randomUUID(), randomUUID())).toBe(false);
      });
    });

    describe("sessions", () => {
      const sessionOf = (userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord => ({
        id: createHash("sha256").update(randomUUID()).digest("hex"),
        userId,
        workspaceId: randomUUID(),
        createdAt: new Date().toISOString(),
        expiresAtMs: Date.now() + HOUR,
        ...overrides,
      });

      it("gives a session back until it expires: at expiresAtMs it is gone", async () => {
        const session = sessionOf(randomUUID());
        await store.createSession(session);
        expect(await store.getSession(session.id, Date.now())).toEqual(session);
        expect(await store.getSession(session.id, session.expiresAtMs - 1)).toEqual(session);
        expect(await store.getSession(session.id, session.expiresAtMs)).toBeUndefined();
        expect(await store.getSession(randomUUID(), Date.now())).toBeUndefined();
      });

      it("deleteSession signs one session out, leaving the user's others", async () => {
        const userId = randomUUID();
        const [gone, kept] = [sessionOf(userId), sessionOf(userId)];
        await store.createSession(gone);
        await store.createSession(kept);
        await store.deleteSession(gone.id);
        expect(await store.getSession(gone.id, Date.now())).toBeUndefined();
        expect(await store.getSession(kept.id, Date.now())).toEqual(kept);
        await store.deleteSession(gone.id);
        await store.deleteSession(randomUUID());
      });

      it("deleteSessionsOfUser signs the user out everywhere, and nobody else", async () => {
        const [userId, otherId] = [randomUUID(), randomUUID()];
        const sessions = [sessionOf(userId), sessionOf(userId), sessionOf(userId, { expiresAtMs: Date.now() + DAY })];
        const other = sessionOf(otherId);
        for (const session of [...sessions, other]) await store.createSession(session);
        await store.deleteSessionsOfUser(userId);
        for (const session of sessions) expect(await store.getSession(session.id, Date.now())).toBeUndefined();
        expect(await store.getSession(other.id, Date.now())).toEqual(other);
        await store.deleteSessionsOfUser(userId);
        await store.deleteSessionsOfUser(randomUUID());
        const later = sessionOf(userId);
        await store.createSession(later);
        expect(await store.getSession(later.id, Date.now())).toEqual(later);
      });

      it("switchSessionWorkspace points a session at another workspace; false when there is no such session", async () => {
        const session = sessionOf(randomUUID());
        await store.createSession(session);
        const workspaceId = randomUUID();
        expect(await store.switchSessionWorkspace(session.id, workspaceId)).toBe(true);
        expect(await store.getSession(session.id, Date.now())).toEqual({ ...session, workspaceId });
        await store.deleteSession(session.id);
        expect(await store.switchSessionWorkspace(session.id, randomUUID())).toBe(false);
        expect(await store.switchSessionWorkspace(randomUUID(), workspaceId)).toBe(false);
        expect(await store.getSession(session.id, Date.now())).toBeUndefined();
      });
    });

    describe("invites", () => {
      const inviteOf = (overrides: Partial<InviteRecord> = {}): InviteRecord => ({
        id: createHash("sha256").update(randomUUID()).digest("hex"),
        workspaceId: randomUUID(),
        role: "member",
        createdAt: new Date().toISOString(),
        expiresAtMs: Date.now() + DAY,
        ...overrides,
      });

      it("is taken once: the first taker gets it, every later one undefined", async () => {
        const invite = inviteOf({ role: "owner" });
        await store.createInvite(invite);
        expect(await store.takeInvite(invite.id, Date.now())).toEqual(invite);
        expect(await store.takeInvite(invite.id, Date.now())).toBeUndefined();
        expect(await store.takeInvite(randomUUID(), Date.now())).toBeUndefined();
      });

      it("keeps an invitation to sign up at all (no workspace)", async () => {
        const invite = inviteOf({ workspaceId: null, role: "owner" });
        await store.createInvite(invite);
        expect(await store.takeInvite(invite.id, Date.now())).toEqual(invite);
      });

      it("of 10 concurrent takers, exactly one gets it", async () => {
        const invite = inviteOf();
        await store.createInvite(invite);
        const taken = await Promise.all(Array.from({ length: 10 }, () => store.takeInvite(invite.id, Date.now())));
        expect(taken.filter((result) => result !== undefined)).toEqual([invite]);
      });

      it("gives nothing once expired: at expiresAtMs it is no longer taken", async () => {
        const invite = inviteOf();
        await store.createInvite(invite);
        expect(await store.takeInvite(invite.id, invite.expiresAtMs)).toBeUndefined();
        const another = inviteOf();
        await store.createInvite(another);
        expect(await store.takeInvite(another.id, another.expiresAtMs - 1)).toEqual(another);
      });
    });

    describe("activity log", () => {
      const KEY = randomUUID();
      const OTHER_KEY = randomUUID();
      const INBOX = randomUUID();
      let clock = Date.parse("2026-03-10T12:00:00.000Z");
      const call = (workspaceId: string, overrides: Partial<ActivityEntry> = {}): ActivityEntry => ({
        workspaceId,
        at: new Date((clock += 1000)).toISOString(),
        keyId: KEY,
        tool: "list_inbox",
        inboxId: INBOX,
        outcome: "ok",
        durationMs: 12,
        ...overrides,
      });
      const recordAll = async (entries: ActivityEntry[]) => {
        for (const entry of entries) await store.recordActivity(entry);
      };

      it("gives entries back newest first, each as recorded with a seq that grows", async () => {
        const workspaceId = randomUUID();
        const entries = [
          call(workspaceId),
          call(workspaceId, { tool: "send_email", inboxId: null, outcome: "rate_limit_exceeded", durationMs: 0 }),
          call(workspaceId, { tool: "tools/list", keyId: OTHER_KEY, durationMs: 1234 }),
        ];
        await recordAll(entries);
        const listed = await store.listActivity(workspaceId, { limit: 10 });
        expect(listed).toEqual(entries.toReversed().map((entry) => ({ ...entry, seq: expect.any(Number) })));
        const seqs = listed.map((entry) => entry.seq);
        expect(seqs.every((seq) => Number.isSafeInteger(seq) && seq > 0)).toBe(true);
        expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
        expect(new Set(seqs).size).toBe(3);
      });

      it("pages by beforeSeq: each page goes on below the previous page's last seq", async () => {
        const workspaceId = randomUUID();
        await recordAll(Array.from({ length: 7 }, () => call(workspaceId)));
        const all = await store.listActivity(workspaceId, { limit: 100 });
        expect(all).toHaveLength(7);
        const pages: number[][] = [];
        let beforeSeq: number | undefined;
        for (;;) {
          const page = await store.listActivity(workspaceId, { limit: 3, ...(beforeSeq ? { beforeSeq } : {}) });
          if (page.length === 0) break;
          pages.push(page.map((entry) => entry.seq));
          beforeSeq = page.at(-1)?.seq;
        }
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(all.map((entry) => entry.seq));
      });

      it("filters by key, tool and outcome, alone or together, and pages within a filter", async () => {
        const workspaceId = randomUUID();
        const entries = [
          call(workspaceId),
          call(workspaceId, { keyId: OTHER_KEY }),
          call(workspaceId, { tool: "send_email", outcome: "quota_exceeded" }),
          call(workspaceId, { keyId: OTHER_KEY, tool: "send_email" }),
          call(workspaceId, { outcome: "inbox_not_found" }),
          call(workspaceId, { tool: "send_email" }),
        ];
        await recordAll(entries);
        const at = async (query: Parameters<Store["listActivity"]>[1]) =>
          (await store.listActivity(workspaceId, query)).map((entry) => entries.findIndex((e) => e.at === entry.at));
        expect(await at({ limit: 10, keyId: OTHER_KEY })).toEqual([3, 1]);
        expect(await at({ limit: 10, tool: "send_email" })).toEqual([5, 3, 2]);
        expect(await at({ limit: 10, outcome: "ok" })).toEqual([5, 3, 1, 0]);
        expect(await at({ limit: 10, keyId: KEY, tool: "send_email", outcome: "ok" })).toEqual([5]);
        expect(await at({ limit: 10, tool: "read_email" })).toEqual([]);

        const firstPage = await store.listActivity(workspaceId, { limit: 2, outcome: "ok" });
        expect(firstPage.map((entry) => entries.findIndex((e) => e.at === entry.at))).toEqual([5, 3]);
        expect(await at({ limit: 2, outcome: "ok", beforeSeq: firstPage[1]!.seq })).toEqual([1, 0]);
      });

      it("keeps each workspace's log, and its counts, apart", async () => {
        const [mine, theirs] = [randomUUID(), randomUUID()];
        await recordAll([call(mine), call(theirs, { tool: "read_email" }), call(mine)]);
        expect((await store.listActivity(mine, { limit: 10 })).map((entry) => entry.tool)).toEqual([
          "list_inbox",
          "list_inbox",
        ]);
        expect(await store.listActivity(theirs, { limit: 10 })).toEqual([
          expect.objectContaining({ workspaceId: theirs, tool: "read_email" }),
        ]);
        expect(await store.listActivity(randomUUID(), { limit: 10 })).toEqual([]);
        expect(await store.usageOfMonth(theirs, "2026-03")).toEqual([
          { keyId: KEY, tool: "read_email", outcome: "ok", count: 1 },
        ]);
      });

      it("counts the calls of a month by key, tool and outcome, from the UTC month of each entry's at", async () => {
        const workspaceId = randomUUID();
        await recordAll([
          call(workspaceId, { at: "2026-02-28T23:59:59.999Z" }),
          call(workspaceId, { at: "2026-03-01T00:00:00.000Z" }),
          call(workspaceId, { at: "2026-03-15T08:00:00.000Z" }),
          call(workspaceId, { at: "2026-03-15T09:00:00.000Z", outcome: "rate_limit_exceeded" }),
          call(workspaceId, { at: "2026-03-31T23:59:59.999Z", keyId: OTHER_KEY, tool: "send_email" }),
          call(workspaceId, { at: "2026-04-01T00:00:00.000Z" }),
        ]);
        const byKey = (counts: Awaited<ReturnType<Store["usageOfMonth"]>>) =>
          counts.toSorted((a, b) =>
            `${a.keyId} ${a.tool} ${a.outcome}`.localeCompare(`${b.keyId} ${b.tool} ${b.outcome}`),
          );
        expect(byKey(await store.usageOfMonth(workspaceId, "2026-03"))).toEqual(
          byKey([
            { keyId: KEY, tool: "list_inbox", outcome: "ok", count: 2 },
            { keyId: KEY, tool: "list_inbox", outcome: "rate_limit_exceeded", count: 1 },
            { keyId: OTHER_KEY, tool: "send_email", outcome: "ok", count: 1 },
          ]),
        );
        expect(await store.usageOfMonth(workspaceId, "2026-02")).toEqual([
          { keyId: KEY, tool: "list_inbox", outcome: "ok", count: 1 },
        ]);
        expect(await store.usageOfMonth(workspaceId, "2026-04")).toHaveLength(1);
        expect(await store.usageOfMonth(workspaceId, "2026-05")).toEqual([]);
      });

      it("counts 30 concurrent calls exactly, each with its own seq", async () => {
        const workspaceId = randomUUID();
        await Promise.all(Array.from({ length: 30 }, () => store.recordActivity(call(workspaceId))));
        const listed = await store.listActivity(workspaceId, { limit: 100 });
        expect(new Set(listed.map((entry) => entry.seq)).size).toBe(30);
        expect(await store.usageOfMonth(workspaceId, "2026-03")).toEqual([
          { keyId: KEY, tool: "list_inbox", outcome: "ok", count: 30 },
        ]);
      });

      it("lists and counts calls recorded just before, even while their writes are still under way", async () => {
        const workspaceId = randomUUID();
        const writes = Array.from({ length: 5 }, () => store.recordActivity(call(workspaceId)));
        expect(await store.listActivity(workspaceId, { limit: 100 })).toHaveLength(5);
        expect(await store.usageOfMonth(workspaceId, "2026-03")).toEqual([
          { keyId: KEY, tool: "list_inbox", outcome: "ok", count: 5 },
        ]);
        await Promise.all(writes);
      });

      it("keeps only the newest entries up to its capacity, while the month's counts keep every call", async () => {
        const small = await makeStore({ activityLogCapacity: 3 });
        try {
          const [workspaceId, other] = [randomUUID(), randomUUID()];
          const entries = Array.from({ length: 5 }, (_, i) => call(workspaceId, { durationMs: i }));
          for (const entry of entries) await small.store.recordActivity(entry);
          await small.store.recordActivity(call(other));
          const kept = await small.store.listActivity(workspaceId, { limit: 10 });
          expect(kept.map((entry) => entry.durationMs)).toEqual([4, 3, 2]);
          expect(await small.store.listActivity(workspaceId, { limit: 10, beforeSeq: kept[2]!.seq })).toEqual([]);
          expect(await small.store.listActivity(other, { limit: 10 })).toHaveLength(1);
          expect(await small.store.usageOfMonth(workspaceId, "2026-03")).toEqual([
            { keyId: KEY, tool: "list_inbox", outcome: "ok", count: 5 },
          ]);
        } finally {
          await small.cleanup();
        }
      });

      it("gives nothing for a limit of 0", async () => {
        const workspaceId = randomUUID();
        await store.recordActivity(call(workspaceId));
        expect(await store.listActivity(workspaceId, { limit: 0 })).toEqual([]);
      });
    });

    describe("OAuth records", () => {
      const sha = () => createHash("sha256").update(randomUUID()).digest("hex");
      const inAnHour = () => Date.now() + HOUR;

      it("saves a client and replaces it under the same id", async () => {
        const client = {
          id: "https://app.example/oauth/client.json",
          name: "App",
          redirectUris: ["https://app.example/callback"],
          source: "metadata_document" as const,
          createdAt: new Date().toISOString(),
        };
        await store.putOAuthClient(client);
        expect(await store.getOAuthClient(client.id)).toEqual(client);
        await store.putOAuthClient({ ...client, name: "App 2", redirectUris: ["http://127.0.0.1/cb"] });
        expect(await store.getOAuthClient(client.id)).toEqual({
          ...client,
          name: "App 2",
          redirectUris: ["http://127.0.0.1/cb"],
        });
        expect(await store.getOAuthClient("unknown")).toBeUndefined();
      });

      it("keeps an authorization code by its hash and lets exactly one of concurrent uses have it", async () => {
        const code = {
          id: sha(),
          clientId: "client-1",
          userId: randomUUID(),
          workspaceId: randomUUID(),
          mode: "test" as const,
          inboxIds: [randomUUID()],
          scopes: ["read:email" as const],
          redirectUri: "https://claude.ai/api/mcp/auth_callback",
          resource: "https://mail.example/mcp",
          codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
          grantId: randomUUID(),
          createdAt: new Date().toISOString(),
          expiresAtMs: Date.now() + MINUTE,
        };
        await store.createAuthorizationCode(code);
        expect(await store.findAuthorizationCode(code.id)).toEqual({ ...code, usedAt: null });
        const at = new Date().toISOString();
        const uses = await Promise.all([1, 2, 3, 4].map(() => store.useAuthorizationCode(code.id, at)));
        expect(uses.filter(Boolean)).toHaveLength(1);
        expect(await store.findAuthorizationCode(code.id)).toEqual({ ...code, usedAt: at });
        expect(await store.useAuthorizationCode(code.id, at)).toBe(false);
        expect(await store.useAuthorizationCode(sha(), at)).toBe(false);
        expect(await store.findAuthorizationCode(sha())).toBeUndefined();
      });

      it("remembers an expired code (so that a late replay is recognised) and refuses a second code with the same hash", async () => {
        const code = {
          id: sha(),
          clientId: "c",
          userId: "u",
          workspaceId: "w",
          mode: "live" as const,
          inboxIds: [],
          scopes: [],
          redirectUri: "http://127.0.0.1:4000/cb",
          resource: "https://mail.example/mcp",
          codeChallenge: "x",
          grantId: "g",
          createdAt: new Date().toISOString(),
          expiresAtMs: Date.now() - SECOND,
        };
        await store.createAuthorizationCode(code);
        expect((await store.findAuthorizationCode(code.id))?.expiresAtMs).toBe(code.expiresAtMs);
        await expect(store.createAuthorizationCode(code)).rejects.toThrow();
      });

      it("creates grants, lists a workspace's oldest first, revokes once (the first time stands) and touches forward only", async () => {
        const workspaceId = randomUUID();
        const grant = (clientId: string) => ({
          id: randomUUID(),
          userId: randomUUID(),
          workspaceId,
          clientId,
          mode: "test" as const,
          inboxIds: [randomUUID(), randomUUID()],
          scopes: ["read:email" as const, "send:email" as const],
          resource: "https://mail.example/mcp",
        });
        const first = await store.createOAuthGrant(grant("a"));
        expect(first).toEqual({
          ...grant("a"),
          id: first.id,
          userId: first.userId,
          inboxIds: first.inboxIds,
          createdAt: expect.stringMatching(ISO_TIME),
          lastUsedAt: null,
          revokedAt: null,
        });
        await sleep(5);
        const second = await store.createOAuthGrant(grant("b"));
        await store.createOAuthGrant({ ...grant("c"), workspaceId: randomUUID() });
        expect((await store.listOAuthGrants(workspaceId)).map((g) => g.id)).toEqual([first.id, second.id]);
        expect(await store.getOAuthGrant(first.id)).toEqual(first);

        await store.touchOAuthGrant(first.id, "2026-12-04T10:05:00.000Z");
        await store.touchOAuthGrant(first.id, "2026-12-04T10:01:00.000Z");
        expect((await store.getOAuthGrant(first.id))?.lastUsedAt).toBe("2026-12-04T10:05:00.000Z");

        expect(await store.revokeOAuthGrant(first.id, "2026-12-04T11:00:00.000Z")).toBe(true);
        expect(await store.revokeOAuthGrant(first.id, "2026-12-04T12:00:00.000Z")).toBe(true);
        expect((await store.getOAuthGrant(first.id))?.revokedAt).toBe("2026-12-04T11:00:00.000Z");
        expect(await store.revokeOAuthGrant(randomUUID(), "2026-12-04T12:00:00.000Z")).toBe(false);
        expect(await store.getOAuthGrant(randomUUID())).toBeUndefined();
        expect((await store.listOAuthGrants(workspaceId)).map((g) => g.revokedAt !== null)).toEqual([true, false]);
      });

      it("rotates a refresh token exactly once, even under concurrency, and forgets it once expired", async () => {
        const token = {
          id: sha(),
          grantId: randomUUID(),
          clientId: "client",
          scopes: ["read:email" as const],
          createdAt: new Date().toISOString(),
          expiresAtMs: inAnHour(),
        };
        await store.createRefreshToken(token);
        expect(await store.findRefreshToken(token.id, Date.now())).toEqual({ ...token, rotatedAt: null });
        const at = new Date().toISOString();
        const rotations = await Promise.all([1, 2, 3].map(() => store.rotateRefreshToken(token.id, at)));
        expect(rotations.filter(Boolean)).toHaveLength(1);
        expect(await store.findRefreshToken(token.id, Date.now())).toEqual({ ...token, rotatedAt: at });
        expect(await store.findRefreshToken(token.id, token.expiresAtMs)).toBeUndefined();
        expect(await store.rotateRefreshToken(sha(), at)).toBe(false);
        expect(await store.findRefreshToken(sha(), Date.now())).toBeUndefined();
      });

      it("finds an access token by its hash until it expires, and not after it is deleted", async () => {
        const token = {
          id: sha(),
          grantId: randomUUID(),
          clientId: "client",
          scopes: ["read:email" as const],
          resource: "https://mail.example/mcp",
          createdAt: new Date().toISOString(),
          expiresAtMs: inAnHour(),
        };
        await store.createAccessToken(token);
        expect(await store.findAccessToken(token.id, Date.now())).toEqual(token);
        expect(await store.findAccessToken(token.id, token.expiresAtMs)).toBeUndefined();
        expect(await store.findAccessToken(sha(), Date.now())).toBeUndefined();
        await store.deleteAccessToken(token.id);
        expect(await store.findAccessToken(token.id, Date.now())).toBeUndefined();
      });

      it("lets Redis-style expiry forget a short-lived access token on the real clock too", async () => {
        const token = {
          id: sha(),
          grantId: "g",
          clientId: "c",
          scopes: [],
          resource: "r",
          createdAt: new Date().toISOString(),
          expiresAtMs: Date.now() + 50,
        };
        await store.createAccessToken(token);
        await sleep(80);
        expect(await store.findAccessToken(token.id, Date.now())).toBeUndefined();
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

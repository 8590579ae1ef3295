// Store.pageSandboxSummaries on both adapters (Redis when REDIS_URL / REDIS_CLUSTER_URL are set): a
// page is always the slice of listSandboxSummaries it stands for, whatever was put, replaced or
// deleted before, and data stored before the index existed is paged the same.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { deleteKeysWithPrefix, withRedisClient } from "../../test/support/redis-data.js";
import { redisKeys } from "./redis/redis-keys.js";
import { openRedisStore } from "./redis/redis-store.js";
import { migrate } from "./sqlite/migrations.js";
import { SQLITE_FILE_NAME } from "./sqlite/open-database.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { SandboxMessage, SandboxPageQuery, Store } from "./store.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const adapters: { name: string; open: () => Promise<Store> }[] = [
  {
    name: "SQLite",
    open: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-sandbox-page-"));
      const store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
      cleanups.push(async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      });
      return store;
    },
  },
];
for (const [label, url] of [
  ["standalone", process.env.REDIS_URL],
  ["cluster", process.env.REDIS_CLUSTER_URL],
] as const) {
  if (url) adapters.push({ name: `Redis (${label})`, open: () => openRedisAt(url, `mcpe:test:${randomUUID()}:`) });
}

async function openRedisAt(url: string, keyPrefix: string): Promise<Store> {
  const store = await openRedisStore({ url, keyPrefix, secretKey: randomBytes(32) });
  cleanups.push(async () => {
    await store.close();
    await deleteKeysWithPrefix(url, keyPrefix);
  });
  return store;
}

function message(inboxId: string, id: string, date: string, overrides: Partial<SandboxMessage> = {}): SandboxMessage {
  return {
    inboxId,
    id,
    folder: "INBOX",
    date,
    unread: true,
    data: { raw: `Subject: ${id}\r\n\r\nbody`, body_text: "body", subject: id },
    ...overrides,
  };
}

/** What a page must be: the slice of the whole listing it stands for. */
async function expectedPage(store: Store, inboxId: string, query: SandboxPageQuery) {
  const listed = (await store.listSandboxSummaries(inboxId, query.folder)).filter(
    (listedMessage) => query.unreadOnly !== true || listedMessage.unread,
  );
  return { messages: listed.slice(query.offset, query.offset + query.limit), total: listed.length };
}

async function expectEveryPageAgrees(store: Store, inboxId: string, folders: readonly string[]) {
  for (const folder of folders)
    for (const unreadOnly of [false, true])
      for (const [offset, limit] of [
        [0, 2],
        [2, 2],
        [1, 3],
        [0, 100],
        [5, 1],
        [50, 10],
        [0, 0],
      ] as const) {
        const query = { folder, unreadOnly, offset, limit };
        expect(await store.pageSandboxSummaries(inboxId, query), JSON.stringify(query)).toEqual(
          await expectedPage(store, inboxId, query),
        );
      }
}

for (const adapter of adapters) {
  describe(`${adapter.name}: pageSandboxSummaries`, () => {
    it("gives the page of the listing, newest first and same instants by id, with the listing's total", async () => {
      const store = await adapter.open();
      const inbox = randomUUID();
      await store.putSandboxMessages([
        message(inbox, "b", "2025-01-01T08:00:00.000Z"),
        message(inbox, "a", "2025-01-01T08:00:00.000Z", { unread: false }),
        message(inbox, "c", "2025-01-02T08:00:00.000Z"),
        message(inbox, "d", "2024-12-31T23:59:59.999Z", { unread: false }),
        message(inbox, "e", "2025-01-03T08:00:00.000Z", { folder: "SENT" }),
        message(inbox, "f", "1969-07-20T20:17:40.000Z"),
        message(inbox, "f-earlier", "1969-07-20T20:17:39.999Z", { unread: false }),
        message(inbox, "b-earliest", "1900-01-01T00:00:00.000Z", { unread: false }),
        message(inbox, "a-earliest", "1900-01-01T00:00:00.000Z", { unread: false }),
        message(inbox, "y-undated", "not a date", { unread: false }),
        message(inbox, "x-undated", "", { unread: false }),
        message(randomUUID(), "g", "2025-01-05T08:00:00.000Z"),
      ]);
      const page = await store.pageSandboxSummaries(inbox, { folder: "INBOX", offset: 1, limit: 2 });
      expect(page.total).toBe(10);
      expect(page.messages.map((listed) => listed.id)).toEqual(["a", "b"]);
      expect(page.messages[0]).toEqual({
        inboxId: inbox,
        id: "a",
        folder: "INBOX",
        date: "2025-01-01T08:00:00.000Z",
        unread: false,
        data: { subject: "a" },
      });
      const unread = await store.pageSandboxSummaries(inbox, {
        folder: "INBOX",
        unreadOnly: true,
        offset: 0,
        limit: 9,
      });
      expect(unread.messages.map((listed) => listed.id)).toEqual(["c", "b", "f"]);
      expect(unread.total).toBe(3);
      expect(await store.pageSandboxSummaries(inbox, { folder: "ARCHIVE", offset: 0, limit: 9 })).toEqual({
        messages: [],
        total: 0,
      });
      const oldest = await store.pageSandboxSummaries(inbox, { folder: "INBOX", offset: 4, limit: 9 });
      expect(oldest.messages.map((listed) => listed.id)).toEqual([
        "f",
        "f-earlier",
        "a-earliest",
        "b-earliest",
        "x-undated",
        "y-undated",
      ]);
      await expectEveryPageAgrees(store, inbox, ["INBOX", "SENT", "IN"]);
    });

    it("follows every put, replacement (another folder, read) and deletion", async () => {
      const store = await adapter.open();
      const inbox = randomUUID();
      const messages = Array.from({ length: 12 }, (_, index) =>
        message(inbox, `m${index}`, new Date(Date.UTC(2025, 0, 1 + (index % 5), index)).toISOString(), {
          unread: index % 3 === 0,
          folder: index % 4 === 0 ? "SENT" : "INBOX",
        }),
      );
      await store.putSandboxMessages(messages);
      await expectEveryPageAgrees(store, inbox, ["INBOX", "SENT"]);
      await store.putSandboxMessages([
        { ...(messages[1] as SandboxMessage), folder: "SENT", unread: true },
        { ...(messages[3] as SandboxMessage), unread: false },
        { ...(messages[5] as SandboxMessage), date: "2026-01-01T00:00:00.000Z" },
      ]);
      await store.deleteSandboxMessages(inbox, ["m0", "m6", "unknown"]);
      await expectEveryPageAgrees(store, inbox, ["INBOX", "SENT"]);
      expect((await store.pageSandboxSummaries(inbox, { folder: "INBOX", offset: 0, limit: 1 })).messages[0]?.id).toBe(
        "m5",
      );
    });

    it("pages a folder whose name has the characters other names are built from", async () => {
      const store = await adapter.open();
      const inbox = randomUUID();
      const folders = ["A", "A B", "A%20B", "A\u0000", "Ünïcødé/{x}"];
      await store.putSandboxMessages(
        folders.map((folder, index) => message(inbox, `m${index}`, "2025-01-01T08:00:00.000Z", { folder })),
      );
      await expectEveryPageAgrees(store, inbox, folders);
    });
  });
}

describe("SQLite: pages of a file written before the listing index", () => {
  it("pages the messages a version 5 file holds, and keeps its rate hits counted", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-sandbox-page-v5-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const inbox = randomUUID();
    const v5 = new Database(join(dataDir, SQLITE_FILE_NAME));
    migrate(v5, 5);
    const insert = v5.prepare(
      "INSERT INTO sandbox_messages (inbox_id, id, folder, date, unread, data, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    for (const [id, date, unread] of [
      ["old", "2024-05-01T00:00:00.000Z", 0],
      ["new", "2025-05-01T00:00:00.000Z", 1],
      ["undated", "not a date", 1],
      ["tie-b", "2024-12-01T00:00:00.000Z", 1],
      ["tie-a", "2024-12-01T00:00:00.000Z", 0],
    ] as const)
      insert.run(
        inbox,
        id,
        "INBOX",
        date,
        unread,
        JSON.stringify({ subject: id, raw: "x" }),
        JSON.stringify({ subject: id }),
      );
    const nowMs = 1_760_000_000_000;
    const hit = v5.prepare("INSERT INTO rate_hits (key_id, at_ms) VALUES (?, ?)");
    for (const atMs of [nowMs - 2000, nowMs - 1000, nowMs - 1000]) hit.run("key-1", atMs);
    v5.prepare("INSERT INTO rate_log_sizes (key_id, size) VALUES (?, ?)").run("key-1", 3);
    v5.close();

    const store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
    cleanups.push(() => store.close());
    const page = await store.pageSandboxSummaries(inbox, { folder: "INBOX", offset: 0, limit: 10 });
    expect(page.messages.map((listed) => listed.id)).toEqual(["new", "tie-a", "tie-b", "old", "undated"]);
    expect(page).toEqual(await expectedPage(store, inbox, { folder: "INBOX", offset: 0, limit: 10 }));
    const window = [{ name: "minute", seconds: 60, limit: 4 }];
    expect(await store.hitRateWindows("key-1", window, nowMs)).toEqual({ allowed: true });
    expect(await store.hitRateWindows("key-1", window, nowMs)).toEqual({
      allowed: false,
      window: "minute",
      limit: 4,
      retryAfterMs: 58_000,
    });
  });
});

const redisUrl = process.env.REDIS_URL;
describe.skipIf(!redisUrl)("Redis: pages of an inbox stored before the listings were kept", () => {
  it("lists its messages once, then pages them like any other; later puts and deletes keep them right", async () => {
    const url = redisUrl as string;
    const prefix = `mcpe:test:${randomUUID()}:`;
    const store = await openRedisAt(url, prefix);
    const inbox = randomUUID();
    await store.putSandboxMessages([
      message(inbox, "old", "2024-05-01T00:00:00.000Z", { unread: false }),
      message(inbox, "new", "2025-05-01T00:00:00.000Z"),
      message(inbox, "sent", "2025-06-01T00:00:00.000Z", { folder: "SENT" }),
    ]);
    const keys = redisKeys(prefix);
    // As an older server left it: messages and summaries, no listings.
    await withRedisClient(url, async (client) => {
      await client.del(keys.inboxListing(inbox), keys.inboxUnreadListing(inbox), keys.inboxListingMembers(inbox));
      await client.hdel(keys.inboxSummaries(inbox), "old");
    });
    await store.putSandboxMessages([message(inbox, "newest", "2025-07-01T00:00:00.000Z")]);
    await expectEveryPageAgrees(store, inbox, ["INBOX", "SENT"]);
    expect((await store.pageSandboxSummaries(inbox, { folder: "INBOX", offset: 0, limit: 9 })).messages).toEqual(
      (await store.listSandboxSummaries(inbox, "INBOX")).map((listed) => ({ ...listed, data: { subject: listed.id } })),
    );
    expect(await withRedisClient(url, (client) => client.hlen(keys.inboxListingMembers(inbox)))).toBe(4);
    await store.deleteSandboxMessages(inbox, ["new"]);
    await expectEveryPageAgrees(store, inbox, ["INBOX", "SENT"]);
  });
});

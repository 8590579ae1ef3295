import { describe, expect, it } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import type { SandboxMessage } from "../../store/store.js";
import {
  buildSandboxMessage,
  newestFirst,
  readSandboxEntry,
  toSearchable,
  toSummary,
  type SandboxEntry,
} from "./sandbox-message.js";

const receivedAt = new Date("2026-11-20T10:00:00.000Z");

async function stored(overrides: Partial<Parameters<typeof composeMessage>[0]> = {}): Promise<SandboxMessage> {
  const { raw } = await composeMessage({
    from: { name: "Alice", address: "alice@example.com" },
    to: [{ name: null, address: "agent@example.org" }],
    subject: "Quarterly report",
    text: "The figures are attached.",
    attachments: [{ filename: "q3.pdf", contentType: "application/pdf", content: Buffer.from("%PDF-1.4") }],
    messageId: "<q3@example.com>",
    date: new Date("2026-11-20T09:14:03.000Z"),
    ...overrides,
  });
  return buildSandboxMessage({
    inboxId: "inbox-1",
    id: "m1",
    folder: "INBOX",
    unread: true,
    threadId: "t1",
    raw,
    receivedAt,
  });
}

function entry(message: SandboxMessage): SandboxEntry {
  const checked = readSandboxEntry(message);
  if (!checked) throw new Error("not a sandbox message");
  return checked;
}

describe("buildSandboxMessage", () => {
  it("keeps the source and the summary fields taken from it", async () => {
    const message = await stored();
    expect(message).toMatchObject({
      inboxId: "inbox-1",
      id: "m1",
      folder: "INBOX",
      unread: true,
      date: "2026-11-20T09:14:03.000Z",
    });
    expect(toSummary(entry(message))).toEqual({
      id: "m1",
      thread_id: "t1",
      rfc822_message_id: "<q3@example.com>",
      folder: "INBOX",
      from: { name: "Alice", address: "alice@example.com" },
      to: [{ name: null, address: "agent@example.org" }],
      cc: [],
      subject: "Quarterly report",
      snippet: "The figures are attached.",
      date: "2026-11-20T09:14:03.000Z",
      unread: true,
      has_attachments: true,
      size_bytes: Buffer.byteLength((message.data as { raw: string }).raw),
    });
    expect(toSearchable(entry(message))).toMatchObject({
      body: "The figures are attached.",
      has_attachments: true,
      unread: true,
    });
  });

  it("survives the store's JSON round trip", async () => {
    const message = await stored();
    expect(readSandboxEntry(JSON.parse(JSON.stringify(message)) as SandboxMessage)).toBeDefined();
  });

  it("dates a message without a Date header by when it was received", async () => {
    const message = await buildSandboxMessage({
      inboxId: "i",
      id: "m",
      folder: "INBOX",
      unread: false,
      threadId: "m",
      raw: "From: a@example.com\r\n\r\nhi\r\n",
      receivedAt,
    });
    expect(message.date).toBe(receivedAt.toISOString());
  });
});

describe("readSandboxEntry", () => {
  it("refuses data that is not a sandbox message's", async () => {
    const message = await stored();
    for (const data of [
      null,
      "raw",
      { ...(message.data as object), raw: 1 },
      { ...(message.data as object), to: [{ name: 1 }] },
    ]) {
      expect(readSandboxEntry({ ...message, data })).toBeUndefined();
    }
  });
});

describe("newestFirst", () => {
  it("orders by date, newest first, by id (ascending) when dates are equal, an unreadable date last: the store's listing order", async () => {
    const base = await stored();
    const at = (id: string, date: string) => entry({ ...base, id, date });
    const sorted = [
      at("a", "2026-11-01T00:00:00.000Z"),
      at("b", "2026-11-02T00:00:00.000Z"),
      at("c", "2026-11-01T00:00:00.000Z"),
      at("d", "not a date"),
    ].sort(newestFirst);
    expect(sorted.map((item) => item.message.id)).toEqual(["b", "a", "c", "d"]);
  });
});

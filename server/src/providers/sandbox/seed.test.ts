import { beforeAll, describe, expect, it } from "vitest";
import { outputValidators, type ReadEmailOutput } from "@mcpemails/generated";
import type { InboxRecord, SandboxMessage } from "../../store/store.js";
import { sandboxAddress } from "./address.js";
import { createInMemoryMailbox, type InMemoryMailbox } from "../../../test/support/in-memory-mailbox.js";
import { createSandboxProvider } from "./sandbox-provider.js";
import { readSandboxEntry, toSummary } from "./sandbox-message.js";
import { seedSandboxInbox } from "./seed.js";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const DAY = 24 * 3_600_000;
const inbox: InboxRecord = {
  id: "3f7a8b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c",
  workspaceId: "w1",
  mode: "test",
  kind: "sandbox",
  addresses: [sandboxAddress("3f7a8b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c")],
  secret: null,
  createdAt: NOW.toISOString(),
};

let mailbox: InMemoryMailbox;
let stored: SandboxMessage[];
let written: number;
/** Every seeded message read in full, with HTML and attachment data. */
let full: ReadEmailOutput[];

beforeAll(async () => {
  mailbox = createInMemoryMailbox();
  written = await seedSandboxInbox(mailbox, inbox, NOW);
  stored = await mailbox.listSandboxMessages(inbox.id);
  const provider = createSandboxProvider({ inbox, mailbox, deliverTo: async () => undefined, now: () => NOW });
  full = [];
  for (const message of stored) {
    const output = await provider.read_email(
      {
        inbox_id: inbox.id,
        message_id: message.id,
        include_html: true,
        include_attachments: true,
        mark_as_read: false,
        body_format: "text",
        strip_quoted: false,
      },
      new AbortController().signal,
    );
    if ("isError" in output) throw new Error(output.content[0].text);
    full.push(output);
  }
});

function count(predicate: (message: ReadEmailOutput) => boolean): number {
  return full.filter(predicate).length;
}

describe("seedSandboxInbox", () => {
  it("writes thirty messages, in one write, each readable and valid against the spec", () => {
    expect(written).toBe(30);
    expect(stored).toHaveLength(30);
    expect(mailbox.writes()).toBe(1);
    for (const message of full) {
      const check = outputValidators.read_email(message);
      expect(check.ok ? "valid" : check.problem, message.subject).toBe("valid");
    }
  });

  it("stores summaries that agree with what reading the source gives", () => {
    for (const message of stored) {
      const entry = readSandboxEntry(message);
      expect(entry, message.id).toBeDefined();
      const read = full.find((candidate) => candidate.id === message.id);
      const {
        id,
        thread_id,
        rfc822_message_id,
        folder,
        from,
        to,
        cc,
        subject,
        snippet,
        date,
        unread,
        has_attachments,
        size_bytes,
      } = read as ReadEmailOutput;
      expect(entry && toSummary(entry)).toEqual({
        id,
        thread_id,
        rfc822_message_id,
        folder,
        from,
        to,
        cc,
        subject,
        snippet,
        date,
        unread,
        has_attachments,
        size_bytes,
      });
    }
  });

  it("fills all four folders, with read and unread messages", () => {
    expect(
      Object.fromEntries(
        ["INBOX", "SENT", "DRAFTS", "TRASH"].map((folder) => [folder, count((message) => message.folder === folder)]),
      ),
    ).toEqual({
      INBOX: 19,
      SENT: 6,
      DRAFTS: 2,
      TRASH: 3,
    });
    expect(count((message) => message.unread)).toBe(9);
    expect(count((message) => message.unread && message.folder !== "INBOX")).toBe(0);
  });

  it("spreads the messages over four weeks before now", () => {
    const times = full.map((message) => Date.parse(message.date));
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
    expect(Math.min(...times)).toBeLessThan(NOW.getTime() - 21 * DAY);
    expect(Math.min(...times)).toBeGreaterThan(NOW.getTime() - 28 * DAY);
  });

  it("has threads whose replies carry In-Reply-To and References", () => {
    const threads = new Map<string, ReadEmailOutput[]>();
    for (const message of full)
      threads.set(message.thread_id ?? "", [...(threads.get(message.thread_id ?? "") ?? []), message]);
    const conversations = [...threads.values()].filter((messages) => messages.length > 1);
    expect(conversations.map((messages) => messages.length).sort()).toEqual([2, 2, 2, 3, 3, 4]);
    for (const messages of conversations) {
      const byId = new Map(messages.map((message) => [message.rfc822_message_id, message]));
      for (const reply of messages.filter((message) => message.in_reply_to !== null)) {
        expect(byId.has(reply.in_reply_to), reply.subject).toBe(true);
        expect(reply.references.at(-1)).toBe(reply.in_reply_to);
        expect(reply.subject).toMatch(/^Re: (?!Re:)/u);
      }
    }
    const lunch = full.filter((message) => message.subject.endsWith("Lunch on Friday? 🍕"));
    expect(lunch.find((message) => message.folder === "SENT")?.references).toHaveLength(2);
    expect(new Set(full.map((message) => message.rfc822_message_id)).size).toBe(30);
  });

  it("has HTML with a tracking pixel and a script, which reading removes", () => {
    const newsletter = full.find((message) => message.subject.startsWith("Acme Weekly #42"));
    const raw = stored.find((message) => message.id === newsletter?.id)?.data;
    expect(JSON.stringify(raw)).toMatch(/<script>.*tracker\.acme\.example\/open\.gif/u);
    expect(newsletter?.body_html).not.toMatch(/script|tracker|javascript:/u);
    expect(newsletter?.body_html).toContain('src="cid:acme-logo@news.acme.example"');
  });

  it("has attachments: PDFs, an inline cid image, data included when asked", () => {
    const attachments = full.flatMap((message) => message.attachments);
    expect(
      attachments
        .filter((attachment) => attachment.mime_type === "application/pdf")
        .map((attachment) => attachment.filename),
    ).toEqual(expect.arrayContaining(["q3-report.pdf", "INV-2026-118.pdf", "Angebot_Q3_Übersicht.pdf"]));
    expect(attachments.filter((attachment) => attachment.inline).map((attachment) => attachment.content_id)).toEqual(
      expect.arrayContaining(["diagram@example.jp", "acme-logo@news.acme.example"]),
    );
    for (const attachment of attachments)
      expect(Buffer.from(attachment.data ?? "", "base64")).toHaveLength(attachment.size_bytes);
    const pdf = attachments.find((attachment) => attachment.filename === "q3-report.pdf");
    expect(Buffer.from(pdf?.data ?? "", "base64").toString("latin1")).toMatch(/^%PDF-1\.4/u);
  });

  it("has non-ASCII names and subjects: é, ü, 日本語, emoji", () => {
    const text = JSON.stringify(
      full.map((message) => [message.subject, message.from?.name, message.to.map((entry) => entry.name)]),
    );
    for (const sample of ["é", "ü", "会議の議事録", "田中 太郎", "🍕", "🚀"]) expect(text).toContain(sample);
  });

  it("addresses the inbox by its own sandbox address", () => {
    const received = full.filter(
      (message) => message.folder === "INBOX" && message.to.some((entry) => entry.address === inbox.addresses[0]),
    );
    expect(received.length).toBeGreaterThan(15);
    expect(
      full
        .filter((message) => message.folder === "SENT")
        .every((message) => message.from?.address === inbox.addresses[0]),
    ).toBe(true);
  });

  it("writes nothing when a message cannot be composed: no inbox is left half seeded", async () => {
    const other = createInMemoryMailbox();
    // Its Message-IDs, which quote the inbox id, cannot be written.
    const unusable = { ...inbox, id: "not an id" };
    await expect(seedSandboxInbox(other, unusable, NOW)).rejects.toThrow(/cannot be a Message-ID/u);
    expect(other.writes()).toBe(0);
    expect(await other.listSandboxMessages(unusable.id)).toHaveLength(0);
  });

  it("leaves an inbox that already has messages alone", async () => {
    expect(await seedSandboxInbox(mailbox, inbox, NOW)).toBe(0);
    expect(await mailbox.listSandboxMessages(inbox.id)).toHaveLength(30);
  });
});

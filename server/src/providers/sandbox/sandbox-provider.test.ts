import { beforeEach, describe, expect, it } from "vitest";
import {
  inputValidators,
  LIMITS,
  outputValidators,
  type ListInboxOutput,
  type MessageSummary,
  type ReadEmailOutput,
  type SearchEmailsOutput,
  type ToolArgs,
  type ToolName,
} from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import { ParameterError, type MailProvider, type SentMessage } from "../provider.js";
import { sandboxAddress } from "./address.js";
import { createInMemoryMailbox, type InMemoryMailbox } from "../../../test/support/in-memory-mailbox.js";
import { createSandboxProvider } from "./sandbox-provider.js";
import { seedSandboxInbox } from "./seed.js";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const signal = new AbortController().signal;

function sandboxInbox(id: string, workspaceId = "workspace-1"): InboxRecord {
  return {
    id,
    workspaceId,
    mode: "test",
    kind: "sandbox",
    addresses: [sandboxAddress(id)],
    secret: null,
    createdAt: NOW.toISOString(),
  };
}

const inbox = sandboxInbox("3f7a8b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c");
const sibling = sandboxInbox("9a8b7c6d-0000-4000-8000-000000000001");
const stranger = sandboxInbox("5e5e5e5e-0000-4000-8000-000000000002", "workspace-2");
const me = inbox.addresses[0] ?? "";
const siblingAddress = sibling.addresses[0] ?? "";
const strangerAddress = stranger.addresses[0] ?? "";

/** Arguments as the MCP layer passes them: validated, defaults applied. */
function args<T extends ToolName>(tool: T, input: Record<string, unknown>): ToolArgs[T] {
  const checked = inputValidators[tool]({ inbox_id: inbox.id, ...input });
  if (!checked.ok) throw new Error(`bad test arguments: ${checked.problem.message}`);
  return checked.value as ToolArgs[T];
}

function expectValid<T extends ToolName>(tool: T, output: unknown): void {
  const completed =
    tool === "send_email" || tool === "reply_to_email"
      ? { ...(output as object), delivery_status: "accepted", idempotent_replay: false }
      : output;
  const check = outputValidators[tool](completed);
  expect(check.ok ? "valid" : check.problem).toBe("valid");
}

function success<T>(output: T): Exclude<T, { isError: true }> {
  if (typeof output === "object" && output !== null && "isError" in output)
    throw new Error(`expected success, got ${JSON.stringify(output)}`);
  return output as Exclude<T, { isError: true }>;
}

let mailbox: InMemoryMailbox;
let provider: MailProvider;
let siblingProvider: MailProvider;
/** What deliverTo answers: the test workspace's sandbox inboxes, and (wrongly) the stranger, to prove the provider checks. */
const directory = [inbox, sibling, stranger];

function providerFor(record: InboxRecord, lookup = directory): MailProvider {
  return createSandboxProvider({
    inbox: record,
    mailbox,
    now: () => NOW,
    deliverTo: async (address) =>
      lookup.find((candidate) => candidate.addresses.some((own) => own.toLowerCase() === address.toLowerCase())),
  });
}

async function list(input: Record<string, unknown> = {}, from = provider): Promise<ListInboxOutput> {
  const output = success(await from.list_inbox(args("list_inbox", { limit: 100, ...input }), signal));
  expectValid("list_inbox", output);
  return output;
}

async function read(messageId: string, input: Record<string, unknown> = {}, from = provider): Promise<ReadEmailOutput> {
  const output = success(await from.read_email(args("read_email", { message_id: messageId, ...input }), signal));
  expectValid("read_email", output);
  return output;
}

async function search(query: string, input: Record<string, unknown> = {}): Promise<SearchEmailsOutput> {
  const output = success(await provider.search_emails(args("search_emails", { query, limit: 100, ...input }), signal));
  expectValid("search_emails", output);
  return output;
}

async function subjects(query: string, input: Record<string, unknown> = {}): Promise<string[]> {
  return (await search(query, input)).messages.map((message) => message.subject);
}

/** The one message with this subject in the folder. */
async function bySubject(subject: string, folder = "INBOX", from = provider): Promise<MessageSummary> {
  const found = (await list({ folder }, from)).messages.filter((message) => message.subject === subject);
  expect(found, `${folder}: ${subject}`).toHaveLength(1);
  return found[0] as MessageSummary;
}

async function send(input: Record<string, unknown>, from = provider): Promise<SentMessage> {
  const output = success(await from.send_email(args("send_email", { subject: "Hello", body: "Hi", ...input }), signal));
  expectValid("send_email", output);
  return output;
}

beforeEach(async () => {
  mailbox = createInMemoryMailbox();
  provider = providerFor(inbox);
  siblingProvider = providerFor(sibling);
  await seedSandboxInbox(mailbox, inbox, NOW);
});

describe("list_inbox", () => {
  it("lists INBOX newest first, with an exact total", async () => {
    const page = await list();
    expect(page.messages.length).toBeGreaterThan(15);
    expect(page.messages.every((message) => message.folder === "INBOX")).toBe(true);
    const dates = page.messages.map((message) => message.date);
    expect(dates).toEqual(dates.toSorted().reverse());
    expect(page).toMatchObject({
      offset: 0,
      limit: 100,
      next_offset: null,
      total: page.messages.length,
      total_is_estimate: false,
    });
    expect(page.messages[0]?.subject).toBe("Welcome to your sandbox inbox");
  });

  it("gives each message its summary: addresses, snippet, flags, size", async () => {
    expect(await bySubject("Quarterly report")).toMatchObject({
      thread_id: expect.any(String),
      rfc822_message_id: expect.stringMatching(/^<seed-q3\./u),
      from: { name: "Alice Martin", address: "alice.martin@example.com" },
      to: [{ name: null, address: me }],
      cc: [],
      snippet: "Hi, the Q3 figures are attached. Could you check the totals by Friday? Thanks, Alice",
      date: "2026-11-03T07:00:00.000Z",
      unread: false,
      has_attachments: true,
      size_bytes: expect.any(Number),
    });
  });

  it("pages concatenate to the whole listing, without overlap or gap", async () => {
    const whole = await list();
    const pages: MessageSummary[] = [];
    let offset: number | null = 0;
    let calls = 0;
    while (offset !== null) {
      const page = await list({ limit: 7, offset });
      expect(page.total).toBe(whole.total);
      pages.push(...page.messages);
      offset = page.next_offset;
      calls++;
    }
    expect(pages.map((message) => message.id)).toEqual(whole.messages.map((message) => message.id));
    expect(calls).toBe(Math.ceil((whole.total ?? 0) / 7));
  });

  it("past the end gives an empty page and no next_offset", async () => {
    expect(await list({ offset: 10_000 })).toMatchObject({ messages: [], offset: 10_000, next_offset: null });
  });

  it("unread_only keeps the unread messages", async () => {
    const all = await list();
    const unread = await list({ unread_only: true });
    expect(unread.messages.length).toBeGreaterThan(3);
    expect(unread.messages.every((message) => message.unread)).toBe(true);
    expect(unread.total).toBe(all.messages.filter((message) => message.unread).length);
  });

  it("lists each of the four folders", async () => {
    for (const folder of ["SENT", "DRAFTS", "TRASH"]) {
      const page = await list({ folder });
      expect(page.messages.length, folder).toBeGreaterThan(0);
      expect(page.messages.every((message) => message.folder === folder)).toBe(true);
    }
    expect((await list({ folder: "DRAFTS" })).messages.map((message) => message.subject)).toEqual([
      "Notes pour Carol",
      "Team offsite ideas",
    ]);
  });

  it("keeps an inbox's messages to itself", async () => {
    expect((await list({}, siblingProvider)).total).toBe(0);
  });
});

describe("the listing order", () => {
  it("is the same for list_inbox (paged by the store) and search_emails: messages of one instant by id", async () => {
    // The clock stands still: the three sends are filed in SENT at the same instant.
    for (const n of [1, 2, 3]) await send({ to: [siblingAddress], subject: `Tie ${n}` });
    const listed = (await list({ folder: "SENT" })).messages.filter((message) => message.subject.startsWith("Tie"));
    const found = (await search("subject:Tie", { include_folders: ["SENT"] })).messages;
    expect(listed).toHaveLength(3);
    expect(found.map((message) => message.id)).toEqual(listed.map((message) => message.id));
    expect(listed.map((message) => message.id)).toEqual(listed.map((message) => message.id).sort());
  });
});

describe("read_email", () => {
  it("reads a message without marking it read", async () => {
    const { id } = await bySubject("Invoice INV-2026-118");
    const message = await read(id);
    expect(message).toMatchObject({
      id,
      unread: true,
      reply_to: [{ name: "Nair Consulting Billing", address: "billing@example.in" }],
      bcc: [],
      in_reply_to: null,
      references: [],
      body_truncated: false,
    });
    expect(message.body_text).toContain("invoice INV-2026-118");
    expect(message).not.toHaveProperty("body_html");
    expect((await read(id)).unread).toBe(true);
    expect((await bySubject("Invoice INV-2026-118")).unread).toBe(true);
  });

  it("marks it read only when asked, and says so in the result", async () => {
    const { id } = await bySubject("Invoice INV-2026-118");
    expect((await read(id, { mark_as_read: true })).unread).toBe(false);
    expect((await bySubject("Invoice INV-2026-118")).unread).toBe(false);
    expect((await read(id, { mark_as_read: true })).unread).toBe(false);
  });

  it("listing, searching and reading never mark anything read", async () => {
    const before = (await list({ unread_only: true })).total;
    const writes = mailbox.writes();
    for (const message of (await list()).messages)
      await read(message.id, { include_html: true, include_attachments: true });
    await search("is:unread");
    expect((await list({ unread_only: true })).total).toBe(before);
    expect(mailbox.writes()).toBe(writes);
  });

  it("gives the HTML sanitized when asked: no script, no tracking pixel, embedded images kept", async () => {
    const { id } = await bySubject("Acme Weekly #42: what's new 🚀");
    const message = await read(id, { include_html: true });
    expect(message.body_html).toContain("<h1>What's new this week</h1>");
    expect(message.body_html).toContain('<img src="cid:acme-logo@news.acme.example" alt="Acme" />');
    expect(message.body_html).not.toMatch(/script|tracker|javascript:|onclick/u);
    expect(message.body_html_truncated).toBe(false);
    // The newsletter has no text part: body_text comes from the HTML.
    expect(message.body_text).toContain("Faster exports, a new dashboard");
  });

  it("gives body_html null for a message with no HTML part", async () => {
    const { id } = await bySubject("Invoice INV-2026-118");
    expect(await read(id, { include_html: true })).toMatchObject({ body_html: null, body_html_truncated: false });
  });

  it("describes attachments always, and gives their data only when asked", async () => {
    const { id } = await bySubject("会議の議事録（11月）");
    const withoutData = await read(id);
    expect(withoutData.attachments).toEqual([
      {
        attachment_id: "2.2",
        filename: "diagram.png",
        mime_type: "image/png",
        size_bytes: 70,
        inline: true,
        content_id: "diagram@example.jp",
      },
    ]);
    expect(withoutData.has_attachments).toBe(false);
    const report = await read((await bySubject("Quarterly report")).id, { include_attachments: true });
    expect(report.attachments).toHaveLength(1);
    expect(report.attachments[0]).toMatchObject({
      filename: "q3-report.pdf",
      mime_type: "application/pdf",
      inline: false,
      content_id: null,
    });
    expect(Buffer.from(report.attachments[0]?.data ?? "", "base64").toString("latin1")).toMatch(/^%PDF-1\.4/u);
  });

  it("reads non-ASCII headers and bodies intact", async () => {
    const message = await read((await bySubject("Angebot für Q3 – Übersicht")).id);
    expect(message.from).toEqual({ name: "Jürgen Müller", address: "juergen.mueller@example.de" });
    expect(message.body_text).toContain("Mit freundlichen Grüßen");
    expect(message.attachments[0]?.filename).toBe("Angebot_Q3_Übersicht.pdf");
  });

  it("shows the Bcc of a message the inbox sent", async () => {
    const message = await read((await bySubject("Project kickoff", "SENT")).id);
    expect(message.bcc).toEqual([{ name: "Jürgen Müller", address: "juergen.mueller@example.de" }]);
  });

  it("answers message_not_found for an unknown id, and for another inbox's message", async () => {
    const unknown = await provider.read_email(args("read_email", { message_id: "no-such-message" }), signal);
    expect(unknown).toEqual({
      isError: true,
      errorCode: "message_not_found",
      content: [
        { type: "text", text: `Message no-such-message not found in inbox ${inbox.id}; it may have been deleted.` },
      ],
    });
    const { id } = await bySubject("Quarterly report");
    expect(await siblingProvider.read_email(args("read_email", { message_id: id }), signal)).toMatchObject({
      errorCode: "message_not_found",
    });
  });

  it("answers provider_error when the store holds something that is not a sandbox message", async () => {
    await mailbox.putSandboxMessages([
      { inboxId: inbox.id, id: "broken", folder: "INBOX", date: NOW.toISOString(), unread: true, data: { raw: 42 } },
    ]);
    expect(await provider.read_email(args("read_email", { message_id: "broken" }), signal)).toMatchObject({
      errorCode: "provider_error",
    });
    expect(await provider.list_inbox(args("list_inbox", {}), signal)).toMatchObject({ errorCode: "provider_error" });
  });
});

describe("search_emails", () => {
  it("from: matches the sender's address or name", async () => {
    expect(await subjects("from:alice.martin@example.com")).toEqual([
      "Re: Quarterly report",
      "Re: Project kickoff",
      "Quarterly report",
    ]);
    expect(await subjects("from:müller")).toEqual(["Re: Angebot für Q3 – Übersicht", "Angebot für Q3 – Übersicht"]);
  });

  it("to: matches To and Cc", async () => {
    expect(await subjects("to:carol", { include_folders: ["INBOX"] })).toEqual([
      "Re: Lunch on Friday? 🍕",
      "Lunch on Friday? 🍕",
      "Re: Project kickoff",
    ]);
  });

  it("subject:, words and phrases, case-insensitively and in any script", async () => {
    expect(await subjects("subject:議事録")).toEqual(["Re: 会議の議事録（11月）", "会議の議事録（11月）"]);
    expect(await subjects('"ORDRE DU JOUR"')).toEqual([
      "Re: Réunion de lundi — ordre du jour",
      "Réunion de lundi — ordre du jour",
    ]);
    expect(await subjects("ありがとうございます")).toEqual(["Re: 会議の議事録（11月）"]);
    expect(await subjects("dashboard")).toEqual(["Acme Weekly #42: what's new 🚀"]);
  });

  it("after: is inclusive and before: exclusive, by UTC day", async () => {
    const recent = await search("after:2026/11/22");
    expect(recent.messages.map((message) => message.date).every((date) => date >= "2026-11-22")).toBe(true);
    expect(recent.messages.map((message) => message.subject)).toEqual([
      "Welcome to your sandbox inbox",
      "Notes pour Carol",
      "URGENT: mailbox verification required",
      "Re: Angebot für Q3 – Übersicht",
    ]);
    const old = await search("before:2026-11-01");
    expect(old.messages.map((message) => message.subject)).toEqual(["Your parking permit has been renewed"]);
    expect((await search("after:2026/11/01 before:2026/11/22")).total).toBe(30 - recent.messages.length - 1);
  });

  it("is:unread and has:attachment (inline images do not count)", async () => {
    const unread = await search("is:unread");
    expect(unread.messages.every((message) => message.unread)).toBe(true);
    expect(await subjects("has:attachment", { include_folders: ["INBOX"] })).toEqual([
      "Re: Quarterly report",
      "Invoice INV-2026-118",
      "Angebot für Q3 – Übersicht",
      "Photos from the offsite 📷",
      "Quarterly report",
    ]);
  });

  it("combines: OR, negation, implicit AND", async () => {
    expect(await subjects("from:tanaka OR from:juergen", { include_folders: ["INBOX"] })).toEqual([
      "Re: Angebot für Q3 – Übersicht",
      "Angebot für Q3 – Übersicht",
      "会議の議事録（11月）",
    ]);
    expect(await subjects("from:acme -subject:#41", { include_folders: ["INBOX", "TRASH"] })).toEqual([
      "Acme Weekly #42: what's new 🚀",
      "Acme Weekly #40: autumn roadmap",
    ]);
    expect(await subjects("from:alice has:attachment is:unread")).toEqual(["Re: Quarterly report"]);
  });

  it("searches every folder unless include_folders restricts it", async () => {
    const everywhere = await search("acme");
    expect(new Set(everywhere.messages.map((message) => message.folder))).toEqual(new Set(["INBOX", "TRASH"]));
    expect((await search("acme", { include_folders: ["TRASH"] })).messages.map((message) => message.folder)).toEqual([
      "TRASH",
    ]);
  });

  it("pages like list_inbox, with an exact total and no result ceiling", async () => {
    const whole = await search("is:unread OR has:attachment");
    const first = await search("is:unread OR has:attachment", { limit: 3 });
    expect(first).toMatchObject({
      offset: 0,
      limit: 3,
      next_offset: 3,
      total: whole.total,
      total_is_estimate: false,
      result_ceiling: null,
      syntax: "portable",
    });
    const second = await search("is:unread OR has:attachment", { limit: 3, offset: 3 });
    expect([...first.messages, ...second.messages]).toEqual(whole.messages.slice(0, 6));
  });

  it('reads syntax "native" as the same subset, and says which syntax was asked', async () => {
    const native = await search("from:alice", { syntax: "native" });
    expect(native.syntax).toBe("native");
    expect(native.messages).toEqual((await search("from:alice")).messages);
  });

  it("refuses a term outside the portable subset with a ParameterError naming it", async () => {
    const refused = provider.search_emails(args("search_emails", { query: "from:alice label:work" }), signal);
    await expect(refused).rejects.toThrow(ParameterError);
    await expect(refused).rejects.toMatchObject({
      parameter: "query",
      rule: "query_term",
      message: expect.stringContaining('"label:work"'),
    });
    await expect(provider.search_emails(args("search_emails", { query: '"unbalanced' }), signal)).rejects.toMatchObject(
      { rule: "query_term" },
    );
    await expect(
      provider.search_emails(args("search_emails", { query: "after:2026/13/01" }), signal),
    ).rejects.toMatchObject({ rule: "query_term" });
  });

  it("refuses a folder name other than the four with a ParameterError naming it", async () => {
    const refused = provider.search_emails(
      args("search_emails", { query: "acme", include_folders: ["INBOX", "Archive"] }),
      signal,
    );
    await expect(refused).rejects.toMatchObject({
      parameter: "include_folders[1]",
      rule: "enum",
      message: expect.stringContaining('"Archive"'),
    });
  });
});

describe("send_email", () => {
  it("files the message in SENT, read, with its Bcc", async () => {
    const sent = await send({
      to: ["Alice <alice@example.com>"],
      cc: ["bob@example.net"],
      bcc: ["boss@example.com"],
      subject: "Totals checked",
      body: "They add up.\n",
    });
    expect(Object.keys(sent).sort()).toEqual(["message_id", "rfc822_message_id", "thread_id"]);
    expect(sent.rfc822_message_id).toMatch(/^<[0-9a-f-]{36}@sandbox\.mcpemails\.test>$/u);
    expect(sent.thread_id).toBe(sent.message_id);
    const copy = await read(sent.message_id ?? "");
    expect(copy).toMatchObject({
      folder: "SENT",
      unread: false,
      from: { name: null, address: me },
      to: [{ name: "Alice", address: "alice@example.com" }],
      cc: [{ name: null, address: "bob@example.net" }],
      bcc: [{ name: null, address: "boss@example.com" }],
      subject: "Totals checked",
      body_text: "They add up.\n",
      date: NOW.toISOString(),
      rfc822_message_id: sent.rfc822_message_id,
    });
    expect((await list({ folder: "SENT", limit: 1 })).messages[0]?.id).toBe(sent.message_id);
  });

  it("sends the HTML alternative, reply-to and attachments", async () => {
    const sent = await send({
      to: ["alice@example.com"],
      html_body: "<p>They <b>add up</b>.</p>",
      reply_to: "replies@example.com",
      attachments: [
        { filename: "../totals.csv", mime_type: "text/csv", data: Buffer.from("a,b\n1,2\n").toString("base64") },
      ],
    });
    const copy = await read(sent.message_id ?? "", { include_html: true, include_attachments: true });
    expect(copy.body_html).toBe("<p>They <b>add up</b>.</p>");
    expect(copy.reply_to).toEqual([{ name: null, address: "replies@example.com" }]);
    expect(copy.attachments).toMatchObject([
      {
        filename: "totals.csv",
        mime_type: "text/csv",
        size_bytes: 8,
        inline: false,
        data: Buffer.from("a,b\n1,2\n").toString("base64"),
      },
    ]);
  });

  it("delivers to a sibling sandbox inbox of the workspace, unread, without the Bcc", async () => {
    const sent = await send({
      to: [`Sibling <${siblingAddress.toUpperCase()}>`],
      bcc: ["boss@example.com"],
      subject: "Hello sibling",
      body: "Hi!",
    });
    const received = (await list({}, siblingProvider)).messages;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      folder: "INBOX",
      unread: true,
      subject: "Hello sibling",
      from: { name: null, address: me },
      rfc822_message_id: sent.rfc822_message_id,
    });
    expect(received[0]?.id).not.toBe(sent.message_id);
    const delivered = await read(received[0]?.id ?? "", {}, siblingProvider);
    expect(delivered.bcc).toEqual([]);
    expect(delivered.body_text.trimEnd()).toBe("Hi!");
  });

  it("delivers a Bcc to a sibling too, once however often it is addressed", async () => {
    await send({ to: ["alice@example.com", siblingAddress], cc: [siblingAddress], bcc: [siblingAddress] });
    expect((await list({}, siblingProvider)).total).toBe(1);
  });

  it("never delivers to another workspace's inbox, even if the lookup says so", async () => {
    await send({ to: [strangerAddress] });
    expect(mailbox.all().filter((message) => message.inboxId === stranger.id)).toEqual([]);
  });

  it("a message to oneself lands in SENT and in INBOX, in one thread", async () => {
    const sent = await send({ to: [me], subject: "Note to self" });
    const copy = await bySubject("Note to self");
    expect(copy).toMatchObject({ unread: true, thread_id: sent.thread_id });
  });

  it("refuses an invalid recipient with its parameter path before storing anything", async () => {
    const writes = mailbox.writes();
    const stored = mailbox.all().length;
    expect(
      await provider.send_email(
        args("send_email", { to: ["alice@example.com", "bob at example dot com"], subject: "Hello", body: "Hi" }),
        signal,
      ),
    ).toEqual({
      isError: true,
      errorCode: "invalid_recipient",
      parameter: "to[1]",
      content: [
        { type: "text", text: 'to[1]: "bob at example dot com" is not a valid RFC 5322 address. Nothing was sent.' },
      ],
    });
    for (const [input, parameter] of [
      [{ cc: ["nope"] }, "cc[0]"],
      [{ bcc: ["ok@example.com", "also nope"] }, "bcc[1]"],
      [{ reply_to: "not an address" }, "reply_to"],
      [{ to: [`Alice <alice@example.com>\r\nBcc: eve@evil.example`] }, "to[0]"],
    ] as const) {
      const refused = await provider.send_email(
        args("send_email", { to: ["alice@example.com"], subject: "Hello", body: "Hi", ...input }),
        signal,
      );
      expect(refused).toMatchObject({ errorCode: "invalid_recipient", parameter });
    }
    expect(mailbox.writes()).toBe(writes);
    expect(mailbox.all()).toHaveLength(stored);
  });

  it("refuses attachments over the limit with attachment_too_large, storing nothing", async () => {
    const writes = mailbox.writes();
    const half = Buffer.alloc(LIMITS.attachments_max_total_bytes / 2 + 1).toString("base64");
    const refused = await provider.send_email(
      args("send_email", {
        to: [siblingAddress],
        subject: "Scans",
        body: "Attached.",
        attachments: [
          { filename: "a.bin", mime_type: "application/octet-stream", data: half },
          { filename: "b.bin", mime_type: "application/octet-stream", data: half },
        ],
      }),
      signal,
    );
    expect(refused).toMatchObject({
      errorCode: "attachment_too_large",
      totalBytes: LIMITS.attachments_max_total_bytes + 2,
      limitBytes: LIMITS.attachments_max_total_bytes,
    });
    expect(mailbox.writes()).toBe(writes);
  });

  it("neutralizes header injection in the subject and file names", async () => {
    const sent = await send({
      to: [siblingAddress],
      subject: "Hello\r\nBcc: eve@evil.example\r\nX-Injected: yes",
      attachments: [{ filename: "a\r\nX-Injected: yes.txt", mime_type: "text/plain", data: "aGk=" }],
    });
    for (const [from, id] of [
      [provider, sent.message_id ?? ""],
      [siblingProvider, (await list({}, siblingProvider)).messages[0]?.id ?? ""],
    ] as const) {
      const message = await read(id, {}, from);
      expect(message.subject).toBe("Hello Bcc: eve@evil.example X-Injected: yes");
      expect(message.bcc).toEqual([]);
      expect(message.attachments[0]?.filename).toBe("aX-Injected: yes.txt");
    }
    const raw = JSON.stringify(mailbox.all().map((message) => message.data));
    expect(raw).not.toMatch(/\\r\\nX-Injected/u);
    expect(raw).not.toMatch(/\\r\\nBcc: eve/u);
  });

  it("stores nothing when the call is aborted before the write", async () => {
    const controller = new AbortController();
    controller.abort();
    const writes = mailbox.writes();
    await expect(
      provider.send_email(args("send_email", { to: [siblingAddress], subject: "x", body: "y" }), controller.signal),
    ).rejects.toThrow();
    expect(mailbox.writes()).toBe(writes);
  });
});

describe("reply_to_email", () => {
  async function reply(
    subject: string,
    input: Record<string, unknown> = {},
    folder = "INBOX",
  ): Promise<{ sent: SentMessage; original: MessageSummary; copy: ReadEmailOutput }> {
    const original = await bySubject(subject, folder);
    const sent = success(
      await provider.reply_to_email(
        args("reply_to_email", { message_id: original.id, body: "Thanks!", ...input }),
        signal,
      ),
    );
    expectValid("reply_to_email", sent);
    return { sent, original, copy: await read(sent.message_id ?? "") };
  }

  it("stays in the thread: one Re:, In-Reply-To, References, same thread_id", async () => {
    const { sent, original, copy } = await reply("Re: Quarterly report");
    const originalFull = await read(original.id);
    expect(sent.thread_id).toBe(original.thread_id);
    expect(copy).toMatchObject({
      folder: "SENT",
      thread_id: original.thread_id,
      subject: "Re: Quarterly report",
      in_reply_to: original.rfc822_message_id,
      references: [...originalFull.references, original.rfc822_message_id],
      to: [{ name: "Alice Martin", address: "alice.martin@example.com" }],
      cc: [],
    });
    expect(copy.body_text.trimEnd()).toBe("Thanks!");
    expect(originalFull.references).toHaveLength(2);
    const thread = (await search("quarterly")).messages.filter((message) => message.thread_id === original.thread_id);
    expect(thread).toHaveLength(4);
  });

  it("reply_all copies To and Cc without the inbox itself; Bcc is never copied", async () => {
    const { copy } = await reply("Re: Project kickoff", { reply_all: true });
    expect(copy.to).toEqual([{ name: "Alice Martin", address: "alice.martin@example.com" }]);
    expect(copy.cc.map((entry) => entry.address)).toEqual([
      "bob@example.net",
      "carol.dupre@example.fr",
      "priya@example.in",
    ]);
    expect(copy.bcc).toEqual([]);
  });

  it("replies to Reply-To rather than From", async () => {
    const { copy } = await reply("Invoice INV-2026-118");
    expect(copy.to).toEqual([{ name: "Nair Consulting Billing", address: "billing@example.in" }]);
  });

  it("a reply to a message the inbox sent goes to its recipients, and never to its Bcc", async () => {
    const { copy } = await reply("Project kickoff", { reply_all: true }, "SENT");
    expect(copy.to.map((entry) => entry.address)).toEqual([
      "alice.martin@example.com",
      "bob@example.net",
      "carol.dupre@example.fr",
    ]);
    expect(copy.cc.map((entry) => entry.address)).toEqual(["priya@example.in"]);
    expect(copy.bcc).toEqual([]);
  });

  it("a reply delivered to a sibling joins the thread of the message it answers there", async () => {
    const first = await send({ to: [me], subject: "Ping" }, siblingProvider);
    const received = (await list({ unread_only: true })).messages.find((message) => message.subject === "Ping");
    const answer = success(
      await provider.reply_to_email(args("reply_to_email", { message_id: received?.id, body: "Pong" }), signal),
    );
    expect(answer.thread_id).toBe(received?.thread_id);
    const inSibling = (await list({}, siblingProvider)).messages;
    expect(inSibling).toHaveLength(1);
    expect(inSibling[0]).toMatchObject({ subject: "Re: Ping", thread_id: first.thread_id, unread: true });
  });

  it("answers message_not_found for an unknown message, storing nothing", async () => {
    const writes = mailbox.writes();
    expect(
      await provider.reply_to_email(args("reply_to_email", { message_id: "gone", body: "x" }), signal),
    ).toMatchObject({ errorCode: "message_not_found" });
    expect(mailbox.writes()).toBe(writes);
  });

  it("answers invalid_recipient (parameter message_id) when the original has no one to reply to", async () => {
    await mailbox.putSandboxMessages([
      {
        inboxId: inbox.id,
        id: "anonymous",
        folder: "INBOX",
        date: NOW.toISOString(),
        unread: true,
        data: {
          raw: "Subject: who?\r\n\r\nhi\r\n",
          thread_id: "anonymous",
          rfc822_message_id: null,
          from: null,
          to: [],
          cc: [],
          subject: "who?",
          snippet: "hi",
          has_attachments: false,
          size_bytes: 22,
          body_text: "hi",
        },
      },
    ]);
    expect(
      await provider.reply_to_email(args("reply_to_email", { message_id: "anonymous", body: "x" }), signal),
    ).toMatchObject({ errorCode: "invalid_recipient", parameter: "message_id" });
  });

  it("refuses attachments over the limit with attachment_too_large", async () => {
    const { id } = await bySubject("Quarterly report");
    const data = Buffer.alloc(LIMITS.attachments_max_total_bytes + 1).toString("base64");
    const refused = await provider.reply_to_email(
      args("reply_to_email", {
        message_id: id,
        body: "x",
        attachments: [{ filename: "big.bin", mime_type: "application/octet-stream", data }],
      }),
      signal,
    );
    expect(refused).toMatchObject({
      errorCode: "attachment_too_large",
      totalBytes: LIMITS.attachments_max_total_bytes + 1,
    });
  });
});

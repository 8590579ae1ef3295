// The Outlook provider end to end: tools/call on /mcp of a real server, an Outlook inbox connected
// through the consent flow, Microsoft Graph and the token endpoint played by the stateful fake.
import { randomBytes } from "node:crypto";
import { outputValidators, toolsListByRevision } from "@mcpemails/generated";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { post, startTestServer, toolCall, type TestServer } from "../../../test/support/test-server.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../../test/fakes/outlook/fake-session.js";
import type { GraphFake } from "../../../test/fakes/outlook/graph-fake.js";
import type { OutlookSettings } from "./outlook-settings.js";

const ADA = "ada@contoso.test";

function sendEmailLimit(field: "body" | "html_body"): number {
  const sendEmail = toolsListByRevision["2025-11-25"].tools.find((tool) => tool.name === "send_email");
  const properties = sendEmail?.inputSchema.properties as Record<string, { maxLength: number }> | undefined;
  return properties?.[field]?.maxLength ?? 0;
}
let session: GraphFakeSession;
let fake: GraphFake;
let server: TestServer;
let settings: OutlookSettings;
let inboxId: string;

interface MimeOptions {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  body?: string;
  date?: Date;
  messageId?: string;
  headers?: string;
}

function mime(options: MimeOptions = {}): string {
  const date = options.date ?? new Date("2026-11-02T10:00:00Z");
  return [
    `From: ${options.from ?? "Bob Stone <bob@contoso.test>"}`,
    `To: ${options.to ?? `Ada Lovelace <${ADA}>`}`,
    ...(options.cc ? [`Cc: ${options.cc}`] : []),
    `Subject: ${options.subject ?? "Quarterly report"}`,
    `Message-ID: ${options.messageId ?? `<${randomBytes(8).toString("hex")}@contoso.test>`}`,
    `Date: ${date.toUTCString()}`,
    ...(options.headers ? [options.headers] : []),
    "Content-Type: text/plain; charset=utf-8",
    "",
    options.body ?? "Hi Ada, the figures are attached.",
    "",
  ].join("\r\n");
}

/** Seeds n messages into a folder, one minute apart, the last one the newest. */
async function seedMany(n: number, options: MimeOptions & { folder?: "inbox" | "sentitems"; isRead?: boolean } = {}) {
  const seeded = [];
  for (let i = 0; i < n; i++) {
    const date = new Date(Date.UTC(2026, 9, 1) + i * 60_000);
    seeded.push(
      await fake.seed(ADA, mime({ ...options, subject: `${options.subject ?? "Message"} ${i}`, date }), {
        folder: options.folder ?? "inbox",
        isRead: options.isRead ?? i % 2 === 0,
        receivedDateTime: date.toISOString(),
      }),
    );
  }
  return seeded;
}

function clearMailboxes() {
  for (const address of [ADA, "bob@contoso.test", "carol@contoso.test", "dave@contoso.test"])
    fake.mailbox(address).messages.clear();
}

const resultOf = (response: { json: unknown }) => (response.json as { result: Record<string, unknown> }).result;
const errorOf = (response: { json: unknown }) =>
  (response.json as { error: { code: number; data: Record<string, unknown> } }).error;

/** tools/call on the Outlook inbox: the structured output, or the error result. */
async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await post(server, toolCall(name, { inbox_id: inboxId, ...args }), {
    key: server.keys.live,
    revision: "2025-06-18",
  });
  const result = resultOf(response);
  if (result === undefined) throw Object.assign(new Error("JSON-RPC error"), { rpc: errorOf(response) });
  if (result.isError !== true)
    expect(outputValidators[name as keyof typeof outputValidators](result.structuredContent).ok).toBe(true);
  return result.isError === true ? result : (result.structuredContent as Record<string, unknown>);
}

async function rpcError(name: string, args: Record<string, unknown>) {
  return errorOf(await post(server, toolCall(name, { inbox_id: inboxId, ...args }), { key: server.keys.live }));
}

/** Graph requests one tool call costs, from the fake's counters. */
async function requestsOf<T>(
  work: () => Promise<T>,
): Promise<{ result: T; requests: number; counts: Record<string, number> }> {
  fake.resetCounts();
  const result = await work();
  return { result, requests: fake.graphRequests(), counts: fake.requestCounts() };
}

beforeAll(async () => {
  session = startGraphFake();
  fake = session.fake;
  for (const [address, name] of [
    ["bob@contoso.test", "Bob Stone"],
    ["carol@contoso.test", "Carol"],
    ["dave@contoso.test", "Dave"],
  ] as const)
    fake.addMailbox(address, name);
  settings = await session.connect(ADA, "Ada Lovelace");
  server = await startTestServer({
    inboxes: [{ kind: "outlook", addresses: [ADA], secret: JSON.stringify(settings) }],
    registry: { microsoft: FAKE_MICROSOFT_APP },
    rateWindows: [{ name: "minute", seconds: 60, limit: 100_000 }],
  });
  inboxId = (server.extraInboxes[0] as { id: string }).id;
  // Its history counts as learned (decision known-correspondents): the requests counted are the tools' own.
  await server.store.markCorrespondentsLearned(server.workspaceId, inboxId);
});
afterAll(async () => {
  await server.close();
  session.close();
});
beforeEach(async () => {
  await fake.settled();
  clearMailboxes();
  fake.latencyMs = 0;
});

describe("list_inbox", () => {
  it("gives a page newest first with the exact total, in one Graph request", async () => {
    await seedMany(30);
    const { result, requests } = await requestsOf(() => call("list_inbox", { limit: 20 }));
    expect(requests).toBe(1);
    expect(result).toMatchObject({ offset: 0, limit: 20, next_offset: 20, total: 30, total_is_estimate: false });
    const messages = result.messages as Array<{ subject: string; folder: string; from: unknown; unread: boolean }>;
    expect(messages.map((m) => m.subject).slice(0, 3)).toEqual(["Message 29", "Message 28", "Message 27"]);
    expect(messages[0]).toMatchObject({
      folder: "INBOX",
      from: { name: "Bob Stone", address: "bob@contoso.test" },
      unread: true,
    });
    const last = await call("list_inbox", { limit: 20, offset: 20 });
    expect((last.messages as unknown[]).length).toBe(10);
    expect(last.next_offset).toBeNull();
  });

  it("lists only unread messages with unread_only, in one request (the $filter names receivedDateTime first, so Graph does not answer InefficientFilter)", async () => {
    await seedMany(10);
    const { result, requests } = await requestsOf(() => call("list_inbox", { limit: 20, unread_only: true }));
    expect(requests).toBe(1);
    expect(result.total).toBe(5);
    expect((result.messages as Array<{ unread: boolean }>).every((m) => m.unread)).toBe(true);
  });

  it("walks pages by Graph's nextLinks, whose $skip counts store items rather than messages: every message once, in order, one request a page, and an offset out of order in one request", async () => {
    await seedMany(50, { subject: "Page" });
    const seen: string[] = [];
    const perPage: number[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const { result, requests } = await requestsOf(() => call("list_inbox", { limit: 7, offset }));
      perPage.push(requests);
      seen.push(...(result.messages as Array<{ subject: string }>).map((m) => m.subject));
      offset = result.next_offset as number | null;
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `Page ${49 - i}`));
    expect(perPage).toEqual(Array(8).fill(1));
    const jump = await requestsOf(() => call("list_inbox", { limit: 5, offset: 33, unread_only: true }));
    expect(jump.requests).toBe(1);
    expect((jump.result.messages as Array<{ subject: string }>).map((m) => m.subject)).toEqual([]);
    const unreadJump = await requestsOf(() => call("list_inbox", { limit: 5, offset: 10, unread_only: true }));
    expect(unreadJump.requests).toBe(1);
    expect((unreadJump.result.messages as Array<{ subject: string }>).map((m) => m.subject)).toEqual([
      "Page 29",
      "Page 27",
      "Page 25",
      "Page 23",
      "Page 21",
    ]);
  });

  it("lists the other well-known folders", async () => {
    await seedMany(2, { folder: "sentitems", from: ADA, to: "bob@contoso.test" });
    const result = await call("list_inbox", { folder: "SENT" });
    expect((result.messages as Array<{ folder: string }>).map((m) => m.folder)).toEqual(["SENT", "SENT"]);
    expect(await call("list_inbox", { folder: "INBOX" })).toMatchObject({ total: 0, messages: [] });
  });
});

describe("read_email", () => {
  it("reads the MIME source through the common parser plus what MIME lacks, in at most 2 requests, and leaves the message unread", async () => {
    const [seeded] = await seedMany(1, {
      cc: "Carol <carol@contoso.test>",
      headers: "Reply-To: team@contoso.test",
      isRead: false,
    });
    const id = seeded?.message.id ?? "";
    const { result, requests } = await requestsOf(() => call("read_email", { message_id: id }));
    expect(requests).toBeLessThanOrEqual(2);
    expect(result).toMatchObject({
      id,
      thread_id: seeded?.message.conversationId,
      folder: "INBOX",
      unread: true,
      subject: "Message 0",
      cc: [{ name: "Carol", address: "carol@contoso.test" }],
      reply_to: [{ name: null, address: "team@contoso.test" }],
      body_text: expect.stringContaining("the figures are attached"),
    });
    expect(seeded?.message.isRead).toBe(false);
  });

  it("marks the message read only with mark_as_read (a PATCH), still in 2 requests", async () => {
    const [seeded] = await seedMany(1, { isRead: false });
    const { result, requests, counts } = await requestsOf(() =>
      call("read_email", { message_id: seeded?.message.id, mark_as_read: true }),
    );
    expect(requests).toBe(2);
    expect(counts["PATCH /me/messages/{id}"]).toBe(1);
    expect(result.unread).toBe(false);
    expect(seeded?.message.isRead).toBe(true);
  });

  it("answers message_not_found for an id Graph does not have (ErrorItemNotFound)", async () => {
    expect(await call("read_email", { message_id: "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AmissingAAA=" })).toMatchObject({
      isError: true,
      errorCode: "message_not_found",
    });
  });

  it("answers message_not_found for an id Graph refuses as malformed (400 ErrorInvalidIdMalformed) or that never reaches Graph", async () => {
    for (const id of ["AAMk", "AAMk!!bad"]) {
      const { result, counts } = await requestsOf(() => call("read_email", { message_id: id }));
      expect(result, id).toMatchObject({ isError: true, errorCode: "message_not_found" });
      expect(counts["GET /me/messages/{id}/$value"], id).toBe(id === "AAMk" ? 1 : undefined);
      expect(await call("reply_to_email", { message_id: id, body: "x" }), id).toMatchObject({
        isError: true,
        errorCode: "message_not_found",
      });
    }
  });
});

describe("search_emails", () => {
  it("maps the portable subset to KQL $search and states the 1,000-result ceiling", async () => {
    await seedMany(3, { subject: "Invoice" });
    await seedMany(2, { subject: "Lunch", from: "Carol <carol@contoso.test>" });
    const result = await call("search_emails", { query: 'from:carol subject:lunch -"nothing here"' });
    expect((result.messages as Array<{ subject: string }>).map((m) => m.subject)).toEqual(["Lunch 1", "Lunch 0"]);
    expect(result).toMatchObject({ result_ceiling: 1000, next_offset: null, total: 2, syntax: "portable" });
    const words = await call("search_emails", { query: "invoice OR lunch", limit: 100 });
    expect((words.messages as unknown[]).length).toBe(5);
  });

  it("passes native KQL to $search untouched", async () => {
    await seedMany(2, { subject: "Budget", cc: "Dave <dave@contoso.test>" });
    await seedMany(2, { subject: "Other" });
    const result = await call("search_emails", { query: 'cc:dave AND subject:"budget"', syntax: "native" });
    expect((result.messages as unknown[]).length).toBe(2);
    expect(result.syntax).toBe("native");
  });

  it("answers is:unread through $filter (Graph's KQL has no unread), with an exact total", async () => {
    await seedMany(6, { subject: "Note" });
    const { result, counts } = await requestsOf(() => call("search_emails", { query: "is:unread after:2026/10/01" }));
    expect(result.total).toBe(3);
    expect(result.result_ceiling).toBeNull();
    expect(counts["GET /me/messages"]).toBe(1);
  });

  it("answers is:unread next to terms only KQL can test by a $search whose results' read state is checked, paged and totalled", async () => {
    await seedMany(8, { subject: "Digest", from: "Bob Stone <bob@contoso.test>" });
    await seedMany(4, { subject: "Digest", from: "Carol <carol@contoso.test>", isRead: false });
    const first = await call("search_emails", { query: "is:unread from:bob", limit: 3 });
    const rest = await call("search_emails", { query: "is:unread from:bob", limit: 3, offset: first.next_offset });
    const found = [
      ...(first.messages as Array<{ id: string; unread: boolean; from: { address: string } }>),
      ...(rest.messages as Array<{ id: string; unread: boolean; from: { address: string } }>),
    ];
    expect(found).toHaveLength(4);
    expect(found.every((m) => m.unread && m.from.address === "bob@contoso.test")).toBe(true);
    expect(rest).toMatchObject({ next_offset: null, total: 4 });
    const read = await call("search_emails", { query: "-is:unread from:bob" });
    expect((read.messages as Array<{ unread: boolean }>).map((m) => m.unread)).toEqual([false, false, false, false]);
  });

  it("refuses with -32602 naming a term that neither $search nor $filter can honour with the rest", async () => {
    const error = await rpcError("search_emails", { query: "is:unread OR from:bob" });
    expect(error.code).toBe(-32602);
    expect(error.data).toMatchObject({
      parameter: "query",
      rule: "query_term",
      message: expect.stringContaining('"from:bob"'),
    });
  });

  it("walks pages of a $search in order at one search and one id translation per page (checkpoints of the nextLinks), the 10th page included", async () => {
    await seedMany(250, { subject: "Walk" });
    const perPage: number[] = [];
    let offset: number | null = 0;
    const seen = new Set<string>();
    for (let page = 0; page < 10 && offset !== null; page++) {
      const { result, requests } = await requestsOf(() =>
        call("search_emails", { query: "subject:walk", limit: 20, offset }),
      );
      perPage.push(requests);
      for (const message of result.messages as Array<{ id: string }>) seen.add(message.id);
      offset = result.next_offset as number | null;
    }
    expect(perPage).toEqual(Array(10).fill(2));
    expect(seen.size).toBe(200);
    expect(offset).toBe(200);
  });

  it("reaches an offset out of order from the nearest checkpoint in one search (and one id translation), and returns nothing past the ceiling", async () => {
    await seedMany(60, { subject: "Jump" });
    const { result, requests, counts } = await requestsOf(() =>
      call("search_emails", { query: "subject:jump", limit: 10, offset: 35 }),
    );
    expect(requests).toBe(2);
    expect(counts["GET /me/messages"]).toBe(1);
    expect((result.messages as Array<{ subject: string }>).map((m) => m.subject)[0]).toBe("Jump 24");
    const past = await requestsOf(() => call("search_emails", { query: "subject:jump", offset: 1000 }));
    expect(past.requests).toBe(0);
    expect(past.result).toMatchObject({ messages: [], next_offset: null, result_ceiling: 1000 });
  });

  it("leaves out the Teams chat items Graph's /me/messages returns with the mail (a known issue), keeping mail of every mail folder, with exact totals: $search, native KQL, $filter and a $search checked for read state", async () => {
    await seedMany(3, { subject: "Lunch plans", isRead: false });
    await fake.seed(ADA, mime({ subject: "Lunch archived", date: new Date("2026-10-01T09:00:00Z") }), {
      folder: "archive",
      isRead: true,
      receivedDateTime: "2026-10-01T09:00:00Z",
    });
    for (let i = 0; i < 6; i++)
      await fake.mailbox(ADA).addTeamsChat({
        from: "Bob Stone <bob@contoso.test>",
        text: `Lunch at noon? (${i})`,
        sentDateTime: new Date(Date.UTC(2026, 9, 1, 12, i)).toISOString(),
        ...(i % 2 === 0 ? {} : { subject: "" }),
        isRead: false,
      });
    const subjects = (result: Record<string, unknown>) =>
      (result.messages as Array<{ subject: string }>).map((m) => m.subject).sort();
    const mail = ["Lunch archived", "Lunch plans 0", "Lunch plans 1", "Lunch plans 2"];
    const portable = await call("search_emails", { query: "lunch" });
    expect(subjects(portable)).toEqual(mail);
    expect(portable).toMatchObject({ total: 4, next_offset: null });
    expect((portable.messages as Array<{ folder: string }>).map((m) => m.folder)).toContain(
      fake.mailbox(ADA).folderId("archive"),
    );
    expect(subjects(await call("search_emails", { query: "lunch", syntax: "native" }))).toEqual(mail);
    const unread = await call("search_emails", { query: "is:unread" });
    expect(subjects(unread)).toEqual(mail.slice(1));
    expect(unread).toMatchObject({ total: 3, next_offset: null });
    const unreadLunch = await call("search_emails", { query: "is:unread lunch" });
    expect(subjects(unreadLunch)).toEqual(mail.slice(1));
    expect(unreadLunch.total).toBe(3);
    const readLunch = await call("search_emails", { query: "-is:unread lunch" });
    expect(subjects(readLunch)).toEqual(["Lunch archived"]);
    expect(readLunch.total).toBe(1);
    const pages: string[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const page: Record<string, unknown> = await call("search_emails", { query: "lunch", limit: 1, offset });
      pages.push(...subjects(page));
      offset = page.next_offset as number | null;
    }
    expect(pages.sort()).toEqual(mail);
  });

  it("searches one folder with include_folders, and refuses a folder Outlook does not have by that name", async () => {
    await seedMany(2, { subject: "Report", folder: "sentitems", from: ADA, to: "bob@contoso.test" });
    await seedMany(2, { subject: "Report" });
    const sent = await call("search_emails", { query: "report", include_folders: ["SENT"] });
    expect((sent.messages as Array<{ folder: string }>).map((m) => m.folder)).toEqual(["SENT", "SENT"]);
    const all = await call("search_emails", { query: "report" });
    expect((all.messages as Array<{ folder: string }>).map((m) => m.folder).sort()).toEqual([
      "INBOX",
      "INBOX",
      "SENT",
      "SENT",
    ]);
    expect((await rpcError("search_emails", { query: "report", include_folders: ["Archive"] })).data).toMatchObject({
      parameter: "include_folders[0]",
    });
  });

  it("restricts a search to several folders: $filter by their ids, $search by keeping the mailbox's results in them", async () => {
    await seedMany(3, { subject: "Mixed", isRead: false });
    await seedMany(2, { subject: "Mixed", folder: "sentitems", from: ADA, to: "bob@contoso.test", isRead: false });
    const result = await call("search_emails", { query: "is:unread", include_folders: ["INBOX", "SENT"] });
    expect(result.total).toBe(5);
    expect((await call("search_emails", { query: "is:unread", include_folders: ["SENT"] })).total).toBe(2);
    await fake.seed(ADA, mime({ subject: "Mixed draft" }), { folder: "drafts" });
    const searched = await call("search_emails", {
      query: "subject:mixed",
      include_folders: ["INBOX", "SENT"],
      limit: 3,
    });
    const rest = await call("search_emails", {
      query: "subject:mixed",
      include_folders: ["INBOX", "SENT"],
      limit: 3,
      offset: searched.next_offset,
    });
    expect(rest).toMatchObject({ next_offset: null, total: 5, result_ceiling: 1000 });
    const both = [
      ...(searched.messages as Array<{ folder: string; id: string }>),
      ...(rest.messages as Array<{ folder: string; id: string }>),
    ];
    expect(both.map((m) => m.folder).sort()).toEqual(["INBOX", "INBOX", "INBOX", "SENT", "SENT"]);
    expect(new Set(both.map((m) => m.id)).size).toBe(5);
  });

  it('gives a found message the immutable id the other tools give it, though $search ignores Prefer: IdType="ImmutableId": one translateExchangeIds per page, and read_email reads it after it moved', async () => {
    await seedMany(4, { subject: "Relocation" });
    const listed = new Set(((await call("list_inbox", {})).messages as Array<{ id: string }>).map((m) => m.id));
    const searches = [
      { query: "subject:relocation" },
      { query: "relocation", include_folders: ["INBOX", "SENT"] },
      { query: "is:unread relocation" },
    ];
    const found: string[] = [];
    for (const search of searches) {
      const { result, counts } = await requestsOf(() => call("search_emails", search));
      const ids = (result.messages as Array<{ id: string }>).map((m) => m.id);
      expect(ids.length, search.query).toBeGreaterThan(0);
      expect(
        ids.filter((id) => !listed.has(id)),
        search.query,
      ).toEqual([]);
      expect(counts["POST /me/translateExchangeIds"], search.query).toBe(1);
      found.push(...ids);
    }
    const id = found[0] ?? "";
    fake.mailbox(ADA).move(id, "deleteditems");
    expect(await call("read_email", { message_id: id })).toMatchObject({ id, folder: "TRASH" });
  });

  it("answers provider_error in Graph's words when Graph gives up on the search (504 ErrorTimeoutExpired): search_timeout is this server's deadline", async () => {
    fake.failNext({ endpoint: /^GET \/me\/messages$/u, status: 504, code: "ErrorTimeoutExpired" });
    expect(await call("search_emails", { query: "anything" })).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      content: [{ text: expect.stringContaining("Graph answered 504 ErrorTimeoutExpired") }],
    });
  });
});

describe("send_email", () => {
  it("sends MIME as a draft that is then sent: hosted recipients get it unread in Inbox without the Bcc, and Graph files the sender's copy", async () => {
    const { result, counts } = await requestsOf(() =>
      call("send_email", {
        to: ["Bob <bob@contoso.test>"],
        cc: ["carol@contoso.test"],
        bcc: ["dave@contoso.test"],
        subject: "Plans",
        body: "See you at 10.",
      }),
    );
    // Then only looks for the Sent Items copy, which Exchange files some time after the send's 202.
    expect(counts).toMatchObject({ "POST /me/messages": 1, "POST /me/messages/{id}/send": 1 });
    expect(fake.graphRequests()).toBe(2 + (counts["GET /me/messages/{id}"] ?? 0));
    expect(result).toMatchObject({
      delivery_status: "accepted",
      rfc822_message_id: expect.stringMatching(/^<.+@contoso\.test>$/u),
    });
    for (const address of ["bob@contoso.test", "carol@contoso.test", "dave@contoso.test"]) {
      const [delivered] = [...fake.mailbox(address).messages.values()];
      expect(delivered?.message).toMatchObject({
        subject: "Plans",
        isRead: false,
        parentFolderId: fake.mailbox(address).folderId("inbox"),
        internetMessageId: result.rfc822_message_id,
      });
      expect(delivered?.mime.toString()).not.toMatch(/^bcc:/imu);
    }
    const [sentCopy] = [...fake.mailbox(ADA).messages.values()];
    expect(sentCopy?.message.parentFolderId).toBe(fake.mailbox(ADA).folderId("sentitems"));
    expect(sentCopy?.message.bccRecipients?.[0]?.emailAddress?.address).toBe("dave@contoso.test");
  });

  it("returns the id and conversation of the sent message (sendMail would name neither) once Exchange filed the Sent Items copy, some time after the send's 202: read_email reads the SENT copy by it, and a reply to it threads", async () => {
    expect(fake.sentCopyDelayMs).toBeGreaterThan(0);
    const result = await call("send_email", { to: ["bob@contoso.test"], subject: "Readable", body: "Find me." });
    expect(result.message_id).toEqual(expect.any(String));
    const read = await call("read_email", { message_id: result.message_id });
    expect(read).toMatchObject({
      id: result.message_id,
      folder: "SENT",
      subject: "Readable",
      thread_id: result.thread_id,
      rfc822_message_id: result.rfc822_message_id,
    });
    expect(fake.mailbox(ADA).messages.size).toBe(1);
    expect((await call("list_inbox", { folder: "SENT" })).messages).toEqual([
      expect.objectContaining({ id: result.message_id }),
    ]);
    const reply = await call("reply_to_email", { message_id: result.message_id, body: "And again." });
    expect(reply).toMatchObject({ thread_id: result.thread_id, message_id: expect.any(String) });
    expect((await call("read_email", { message_id: reply.message_id })).thread_id).toBe(result.thread_id);
  });

  it("returns the Message-ID Exchange gave the message when it assigns one of its own, read back from the Sent Items copy's internetMessageId: the one read_email and the recipient see", async () => {
    fake.assignsInternetMessageId = true;
    try {
      const sent = await call("send_email", { to: ["bob@contoso.test"], subject: "Assigned", body: "x" });
      expect(sent.rfc822_message_id).toMatch(/^<[0-9A-F]+@[^>]+\.prod\.outlook\.com>$/u);
      const copy = await call("read_email", { message_id: sent.message_id });
      expect(copy.rfc822_message_id).toBe(sent.rfc822_message_id);
      await fake.settled();
      const [delivered] = fake.mailbox("bob@contoso.test").messages.values();
      expect(delivered?.message.internetMessageId).toBe(sent.rfc822_message_id);
    } finally {
      fake.assignsInternetMessageId = false;
    }
  });

  it("sends 10 MB of attachments through a draft and an upload session; the sent message keeps the draft's id", async () => {
    const data = randomBytes(10 * 1024 * 1024);
    const { result, counts } = await requestsOf(() =>
      call("send_email", {
        to: ["bob@contoso.test"],
        subject: "Big file",
        body: "Attached.",
        attachments: [{ filename: "big.bin", mime_type: "application/octet-stream", data: data.toString("base64") }],
      }),
    );
    expect(counts).toMatchObject({
      "POST /me/messages": 1,
      "POST /me/messages/{id}/attachments/createUploadSession": 1,
      "PUT upload session": 3,
      "POST /me/messages/{id}/send": 1,
    });
    const [delivered] = [...fake.mailbox("bob@contoso.test").messages.values()];
    expect(delivered?.message.hasAttachments).toBe(true);
    const read = await call("read_email", { message_id: result.message_id, include_attachments: true });
    expect(read).toMatchObject({ folder: "SENT", subject: "Big file" });
    const attachment = (read.attachments as Array<{ filename: string; size_bytes: number; data: string }>)[0];
    expect(attachment).toMatchObject({ filename: "big.bin", size_bytes: data.length });
    expect(Buffer.from(attachment?.data ?? "", "base64").equals(data)).toBe(true);
  });

  it("sends an attachment just under 3 MiB (3,145,727 bytes) through an upload session, since as JSON its base64 would pass Graph's 4 MB request; the recipient gets it byte for byte", async () => {
    const data = randomBytes(3 * 1024 * 1024 - 1);
    const { result, counts } = await requestsOf(() =>
      call("send_email", {
        to: ["bob@contoso.test"],
        subject: "Nearly 3 MiB",
        body: "Attached.",
        attachments: [{ filename: "scan.pdf", mime_type: "application/pdf", data: data.toString("base64") }],
      }),
    );
    expect(result).toMatchObject({ delivery_status: "accepted" });
    expect(counts["POST /me/messages/{id}/attachments/createUploadSession"]).toBe(1);
    expect(counts["POST /me/messages/{id}/attachments"]).toBeUndefined();
    const [delivered] = [...fake.mailbox("bob@contoso.test").messages.values()];
    const parsed = await simpleParser(delivered?.mime ?? Buffer.alloc(0));
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([["scan.pdf", "application/pdf"]]);
    expect(parsed.attachments[0]?.content.equals(data)).toBe(true);
  });

  it("keeps an attachment well under 3 MB inline: one POST of it as JSON, no upload session", async () => {
    const small = randomBytes(2 * 1024 * 1024);
    const large = randomBytes(3 * 1024 * 1024);
    const { result, counts } = await requestsOf(() =>
      call("send_email", {
        to: ["bob@contoso.test"],
        subject: "Two files",
        body: "Attached.",
        attachments: [
          { filename: "small.bin", mime_type: "application/octet-stream", data: small.toString("base64") },
          { filename: "large.bin", mime_type: "application/octet-stream", data: large.toString("base64") },
        ],
      }),
    );
    expect(result).toMatchObject({ delivery_status: "accepted" });
    expect(counts).toMatchObject({
      "POST /me/messages/{id}/attachments": 1,
      "POST /me/messages/{id}/attachments/createUploadSession": 1,
    });
    const [delivered] = [...fake.mailbox("bob@contoso.test").messages.values()];
    const parsed = await simpleParser(delivered?.mime ?? Buffer.alloc(0));
    expect(parsed.attachments.map((a) => a.content.length)).toEqual([small.length, large.length]);
  });

  it("deletes its draft when anything fails before the send, so that Drafts holds no orphan: an attachment refused, an upload session refused, the send refused", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7).toString("base64");
    const cases = [
      { endpoint: /^POST \/me\/messages\/\{id\}\/attachments$/u, status: 400, code: "ErrorInvalidRequest" },
      { endpoint: /createUploadSession$/u, status: 500, code: "InternalServerError" },
      { endpoint: /^PUT upload session$/u, status: 500, code: "InternalServerError" },
      { endpoint: /\/send$/u, status: 400, code: "ErrorInvalidRecipients" },
    ];
    for (const fault of cases) {
      fake.failNext(fault);
      const result = await call("send_email", {
        to: ["bob@contoso.test"],
        subject: "Doomed",
        body: "x",
        attachments: [
          { filename: "small.bin", mime_type: "application/octet-stream", data: randomBytes(1000).toString("base64") },
          { filename: "big.bin", mime_type: "application/octet-stream", data },
        ],
      });
      expect(result, fault.code).toMatchObject({
        isError: true,
        errorCode: "provider_error",
        content: [{ text: expect.stringMatching(/Nothing was sent\.$/u) }],
      });
      expect(fake.mailbox(ADA).messages.size, String(fault.endpoint)).toBe(0);
      expect(fake.mailbox("bob@contoso.test").messages.size).toBe(0);
    }
  });

  it("sends body and html_body both at their max_length in 4-byte characters within Graph's 4 MB request", async () => {
    const maxLength = sendEmailLimit("body");
    expect(sendEmailLimit("html_body")).toBe(maxLength);
    const result = await call("send_email", {
      to: ["bob@contoso.test"],
      subject: "Long",
      body: "😀".repeat(maxLength),
      html_body: `<p>${"😀".repeat(maxLength - 7)}</p>`,
    });
    expect(result).toMatchObject({ delivery_status: "accepted" });
    const [delivered] = [...fake.mailbox("bob@contoso.test").messages.values()];
    expect(delivered?.mime.length).toBeGreaterThan(4 * maxLength * 2);
  });

  it("refuses attachments over 10 MiB before any Graph request (attachment_too_large)", async () => {
    const data = randomBytes(10 * 1024 * 1024 + 1).toString("base64");
    const { result, requests } = await requestsOf(() =>
      call("send_email", {
        to: ["bob@contoso.test"],
        subject: "Too big",
        body: "x",
        attachments: [{ filename: "a.bin", mime_type: "application/octet-stream", data }],
      }),
    );
    expect(result).toMatchObject({ isError: true, errorCode: "attachment_too_large" });
    expect(requests).toBe(0);
  });

  it("does not resend after a 5xx on send: provider_error with delivery status unknown, and the recipient has exactly one copy", async () => {
    fake.failNext({ endpoint: /\/send$/u, status: 503, code: "ServiceUnavailable", afterExecution: true });
    const { result, counts } = await requestsOf(() =>
      call("send_email", { to: ["bob@contoso.test"], subject: "Once", body: "Only once." }),
    );
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(counts["POST /me/messages/{id}/send"]).toBe(1);
    await fake.settled();
    expect(fake.mailbox("bob@contoso.test").messages.size).toBe(1);
  });
});

describe("reply_to_email", () => {
  it("replies to all: To the original sender, Cc its To and Cc without the inbox's own address, in the same conversation", async () => {
    const original = await fake.seed(
      ADA,
      mime({
        from: "Bob Stone <bob@contoso.test>",
        to: `Ada <${ADA}>, Carol <carol@contoso.test>`,
        cc: "Dave <dave@contoso.test>",
        subject: "Offsite",
        messageId: "<offsite-1@contoso.test>",
      }),
    );
    await fake.seed("bob@contoso.test", mime({ subject: "Offsite", messageId: "<offsite-1@contoso.test>" }), {
      folder: "sentitems",
      isRead: true,
    });
    const result = await call("reply_to_email", {
      message_id: original.message.id,
      body: "Count me in.",
      reply_all: true,
    });
    expect(result).toMatchObject({ thread_id: original.message.conversationId, delivery_status: "accepted" });
    const [sent] = [...fake.mailbox(ADA).messages.values()].filter(
      (m) => m.message.parentFolderId === fake.mailbox(ADA).folderId("sentitems"),
    );
    expect(sent?.message).toMatchObject({ subject: "Re: Offsite", conversationId: original.message.conversationId });
    expect(sent?.message.toRecipients?.map((r) => r.emailAddress?.address)).toEqual(["bob@contoso.test"]);
    expect(sent?.message.ccRecipients?.map((r) => r.emailAddress?.address)).toEqual([
      "carol@contoso.test",
      "dave@contoso.test",
    ]);
    expect(sent?.mime.toString()).toMatch(/^In-Reply-To: <offsite-1@contoso\.test>/imu);
    const bobInbox = [...fake.mailbox("bob@contoso.test").messages.values()].find(
      (m) => m.message.subject === "Re: Offsite",
    );
    const bobSent = [...fake.mailbox("bob@contoso.test").messages.values()].find(
      (m) => m.message.subject === "Offsite",
    );
    expect(bobInbox?.message.conversationId).toBe(bobSent?.message.conversationId);
  });

  it("replies to the sender only without reply_all", async () => {
    const original = await fake.seed(ADA, mime({ to: `${ADA}, carol@contoso.test` }));
    await call("reply_to_email", { message_id: original.message.id, body: "Thanks." });
    expect(fake.mailbox("bob@contoso.test").messages.size).toBe(1);
    expect(fake.mailbox("carol@contoso.test").messages.size).toBe(0);
  });

  it("answers message_not_found for an unknown original, and invalid_recipient for an original nobody can be answered at", async () => {
    expect(
      await call("reply_to_email", { message_id: "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AnothereAAA=", body: "x" }),
    ).toMatchObject({
      isError: true,
      errorCode: "message_not_found",
    });
    const anonymous = await fake.seed(ADA, mime({ from: "undisclosed-recipients:;" }));
    const { result, counts } = await requestsOf(() =>
      call("reply_to_email", { message_id: anonymous.message.id, body: "x" }),
    );
    expect(result).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "message_id" });
    expect(counts["POST /me/messages/{id}/send"]).toBeUndefined();
  });
});

describe("Graph's limits and failures", () => {
  it("retries a 429 after its Retry-After, even a send (Graph throttles before executing), and sends once", async () => {
    fake.throttleNext(1, 1, /\/send$/u);
    const { result, counts } = await requestsOf(() =>
      call("send_email", { to: ["bob@contoso.test"], subject: "Throttled", body: "x" }),
    );
    expect(result.delivery_status).toBe("accepted");
    expect(counts["POST /me/messages/{id}/send"]).toBe(2);
    expect(fake.mailbox("bob@contoso.test").messages.size).toBe(1);
  });
});

describe("tokens", () => {
  it("refreshes an access token Graph no longer accepts silently through MSAL, and stores the changed token cache", async () => {
    const before = JSON.parse((await server.store.getInbox(inboxId))?.secret ?? "{}") as OutlookSettings;
    fake.expireAccessTokens(ADA);
    const { result, counts } = await requestsOf(() => call("list_inbox", {}));
    expect(result.isError).toBeUndefined();
    expect(counts["POST login/token"]).toBe(1);
    const after = JSON.parse((await server.store.getInbox(inboxId))?.secret ?? "{}") as OutlookSettings;
    expect(after.homeAccountId).toBe(before.homeAccountId);
    expect(after.tokenCache).not.toBe(before.tokenCache);
    const secrets = (cache: string) =>
      Object.values((JSON.parse(cache) as { AccessToken: Record<string, { secret: string }> }).AccessToken).map(
        (t) => t.secret,
      );
    expect(secrets(after.tokenCache)).not.toEqual(secrets(before.tokenCache));
  });

  it("answers auth_failed once the grant is revoked, and never with a token in the message", async () => {
    fake.revokeGrant(ADA);
    const result = await call("list_inbox", {});
    expect(result).toMatchObject({ isError: true, errorCode: "auth_failed" });
    expect(JSON.stringify(result)).not.toMatch(/eyJ0eXAiOi|M\.C5/u);
    expect(await call("send_email", { to: ["bob@contoso.test"], subject: "x", body: "x" })).toMatchObject({
      isError: true,
      errorCode: "auth_failed",
    });
    expect(fake.mailbox("bob@contoso.test").messages.size).toBe(0);
  });
});

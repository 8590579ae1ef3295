// The Gmail provider end to end: MCP calls to /mcp of a real server whose Gmail inboxes live in
// the fake Gmail (served by msw), with the fake's request counters as the measure of each call.
import { createHash } from "node:crypto";
import {
  outputValidators,
  type ListInboxOutput,
  type MessageSummary,
  type ReadEmailOutput,
  type SearchEmailsOutput,
  type SendResult,
} from "@mcpemails/generated";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import { createApiKey } from "../../admin/operations.js";
import { post, startTestServer, toolCall, type TestServer } from "../../../test/support/test-server.js";
import type { InboxRecord } from "../../store/store.js";
import type { MailProvider } from "../provider.js";
import { GMAIL_SCOPE } from "../../../test/fakes/gmail/fake-oauth.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import { createGmailProvider } from "./gmail-provider.js";
import { parseGmailSettings, type GmailSettings } from "./gmail-settings.js";

const OWNER = "owner@example.com";
const PEER = "peer@example.com";
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1, 12);

let rig: GmailRig;
let server: TestServer;
/** The same inboxes, served by providers with instant backoff waits (recorded). */
let tuned: TestServer;
let owner: InboxRecord;
let peer: InboxRecord;
let revokedSettings: GmailSettings;
const waits: number[] = [];

type ToolResult = Record<string, unknown> & {
  isError?: boolean;
  errorCode?: string;
  structuredContent?: unknown;
  content: Array<{ text: string }>;
};
type ToolName = "list_inbox" | "read_email" | "search_emails" | "send_email" | "reply_to_email";

async function call(name: ToolName, args: Record<string, unknown>, on: TestServer = server): Promise<ToolResult> {
  // The tuned server has the same inboxes under its own ids, in the same order.
  const index = server.extraInboxes.findIndex((inbox) => inbox.id === args.inbox_id);
  const inboxId = on === server || index < 0 ? args.inbox_id : on.extraInboxes[index]?.id;
  const response = await post(on, toolCall(name, { ...args, inbox_id: inboxId }), {
    key: on.keys.live,
    revision: "2025-06-18",
  });
  const json = response.json as { result?: ToolResult; error?: unknown };
  if (json.result === undefined) throw new Error(`${name} answered a protocol error: ${JSON.stringify(json.error)}`);
  return json.result;
}

async function ok<T>(name: ToolName, args: Record<string, unknown>, on: TestServer = server): Promise<T> {
  const result = await call(name, args, on);
  if (result.isError) throw new Error(`${name} failed: ${result.errorCode} ${result.content[0]?.text}`);
  expect(outputValidators[name](result.structuredContent).ok).toBe(true);
  return result.structuredContent as T;
}

async function protocolError(
  name: ToolName,
  args: Record<string, unknown>,
): Promise<{ code: number; data: { parameter: string; rule: string } }> {
  const response = await post(server, toolCall(name, args), { key: server.keys.live, revision: "2025-06-18" });
  return (response.json as { error: { code: number; data: { parameter: string; rule: string } } }).error;
}

const list = (inbox: InboxRecord, args: Record<string, unknown> = {}, on: TestServer = server) =>
  ok<ListInboxOutput>("list_inbox", { inbox_id: inbox.id, ...args }, on);
const read = (inbox: InboxRecord, id: string, args: Record<string, unknown> = {}) =>
  ok<ReadEmailOutput>("read_email", { inbox_id: inbox.id, message_id: id, ...args });
const search = (query: string, args: Record<string, unknown> = {}) =>
  ok<SearchEmailsOutput>("search_emails", { inbox_id: owner.id, query, limit: 100, ...args });
const subjects = (messages: readonly MessageSummary[]) => messages.map((message) => message.subject);

/** Requests the fake received while `run` ran, per endpoint, zero counts left out. */
async function requestsDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  rig.gmail.resetCounters();
  await run();
  const counted = Object.fromEntries(Object.entries(rig.gmail.requests).filter(([, count]) => count > 0));
  return {
    ...counted,
    ...Object.fromEntries(
      Object.entries(rig.gmail.batchedCalls).map(([endpoint, count]) => [`batched ${endpoint}`, count]),
    ),
  };
}

async function seed(
  address: string,
  index: number,
  labelIds: string[],
  extra: { from?: string; cc?: string; subject?: string; attachment?: boolean; body?: string } = {},
) {
  const composed = await composeMessage({
    from: {
      name: extra.from === undefined ? `Sender ${index}` : null,
      address: extra.from ?? `sender${index}@example.org`,
    },
    to: [{ name: null, address }],
    cc: extra.cc === undefined ? [] : [{ name: "Carol Copy", address: extra.cc }],
    subject: extra.subject ?? `Message ${String(index).padStart(2, "0")}`,
    text: extra.body ?? `Body of message ${index}. It's <plain> & simple.`,
    attachments: extra.attachment
      ? [{ filename: "report.pdf", contentType: "application/pdf", content: Buffer.from(`%PDF report ${index}`) }]
      : [],
    messageId: `<seed-${index}@example.org>`,
    date: new Date(START + index * DAY),
  });
  return rig.gmail.mailboxes.insert(address, composed.raw, { labelIds });
}

beforeAll(async () => {
  rig = startGmailRig();
  const ownerSettings = rig.connect(OWNER);
  const peerSettings = rig.connect(PEER);
  revokedSettings = rig.connect("revoked@example.com");
  const narrowSettings = rig.connect("narrow@example.com", [GMAIL_SCOPE.readonly]);
  // 45 in INBOX (every third unread, every fifth with an attachment), 3 sent, 2 in trash, 1 draft, 1 archived.
  for (let index = 1; index <= 45; index++) {
    await seed(OWNER, index, index % 3 === 0 ? ["INBOX", "UNREAD"] : ["INBOX"], { attachment: index % 5 === 0 });
  }
  await seed(OWNER, 46, ["INBOX", "UNREAD"], {
    from: "alice@partner.example",
    cc: "carol@example.net",
    subject: "Quarterly report for Q3",
  });
  for (const index of [47, 48, 49]) await seed(OWNER, index, ["SENT"], { from: OWNER, subject: `Sent ${index}` });
  for (const index of [50, 51]) await seed(OWNER, index, ["TRASH"], { subject: `Trashed ${index}` });
  await seed(OWNER, 52, ["DRAFT"], { from: OWNER, subject: "Draft 52" });
  await seed(OWNER, 53, [], { subject: "Archived 53" });
  await seed(rig.gmail.mailboxes.addMailbox("narrow@example.com").address, 60, ["INBOX", "UNREAD"], {
    subject: "Narrow 60",
  });
  const inboxes = [ownerSettings, peerSettings, revokedSettings, narrowSettings].map((settings) => ({
    kind: "gmail" as const,
    addresses: [settings.address],
    secret: JSON.stringify(settings),
  }));
  server = await startTestServer({ inboxes, registry: { google: rig.app } });
  [owner, peer] = server.extraInboxes as [InboxRecord, InboxRecord];
  const providers = new Map<string, MailProvider>();
  tuned = await startTestServer({
    inboxes,
    registry: { google: rig.app },
    provider: (inbox, real) => {
      if (inbox.kind !== "gmail") return real;
      const made =
        providers.get(inbox.id) ??
        createGmailProvider({
          inbox,
          settings: parseGmailSettings(inbox.secret),
          app: rig.app,
          callPolicy: { sleep: async (ms) => void waits.push(ms) },
        });
      providers.set(inbox.id, made);
      return made;
    },
  });
  // Their histories count as learned (decision known-correspondents): the requests counted are the tools' own.
  for (const s of [server, tuned])
    for (const inbox of s.extraInboxes) await s.store.markCorrespondentsLearned(s.workspaceId, inbox.id);
});

afterAll(async () => {
  await server?.close();
  await tuned?.close();
  rig?.close();
});

beforeEach(() => {
  waits.length = 0;
});

describe("list_inbox", () => {
  it("gives a page of 20, newest first, with one list call and one batch (never a request per message)", async () => {
    let page: ListInboxOutput | undefined;
    const requests = await requestsDuring(async () => (page = await list(owner, { limit: 20 })));
    expect(requests).toEqual({ token: 1, "messages.list": 1, batch: 1, "batched messages.get": 20 });
    expect(subjects(page?.messages ?? []).slice(0, 3)).toEqual(["Quarterly report for Q3", "Message 45", "Message 44"]);
    expect(page).toMatchObject({ offset: 0, limit: 20, next_offset: 20, total: 46, total_is_estimate: true });
    expect(page?.messages.every((message) => message.folder === "INBOX")).toBe(true);
  });

  it("fills every summary field from the metadata: addresses, Message-ID, thread, snippet unescaped, unread, attachments, size", async () => {
    const page = await list(owner, { limit: 6 });
    const report = page.messages[0];
    expect(report).toMatchObject({
      from: { name: null, address: "alice@partner.example" },
      to: [{ name: null, address: OWNER }],
      cc: [{ name: "Carol Copy", address: "carol@example.net" }],
      rfc822_message_id: "<seed-46@example.org>",
      unread: true,
      has_attachments: false,
      snippet: "Body of message 46. It's <plain> & simple.",
      date: new Date(START + 46 * DAY).toISOString(),
    });
    expect(report?.thread_id).toMatch(/^[0-9a-f]+$/u);
    expect(report?.size_bytes).toBeGreaterThan(200);
    expect(page.messages.find((message) => message.subject === "Message 45")).toMatchObject({
      unread: true,
      has_attachments: true,
    });
    expect(page.messages.find((message) => message.subject === "Message 44")).toMatchObject({
      unread: false,
      has_attachments: false,
    });
  });

  it("walks page by page with one list call per page, through page-token checkpoints", async () => {
    const seen: string[] = [];
    for (let offset = 0; offset !== null && offset !== undefined;) {
      let page: ListInboxOutput | undefined;
      const requests = await requestsDuring(async () => (page = await list(owner, { limit: 10, offset })));
      expect(requests["messages.list"]).toBe(1);
      expect(requests.batch).toBe(1);
      seen.push(...subjects(page?.messages ?? []));
      offset = page?.next_offset as number;
    }
    expect(seen).toHaveLength(46);
    expect(new Set(seen).size).toBe(46);
    expect(seen.at(-1)).toBe("Message 01");
  });

  it("jumps to an offset it has no checkpoint for with one list call of offset + limit ids", async () => {
    let page: ListInboxOutput | undefined;
    const requests = await requestsDuring(
      async () => (page = await list(owner, { limit: 5, offset: 10, unread_only: true })),
    );
    expect(requests["messages.list"]).toBe(1);
    expect(subjects(page?.messages ?? [])).toEqual([
      "Message 18",
      "Message 15",
      "Message 12",
      "Message 09",
      "Message 06",
    ]);
    expect(page?.next_offset).toBe(15);
  });

  it("starts again from the top when Gmail no longer takes a remembered page token (400)", async () => {
    await list(owner, { limit: 10, offset: 0, folder: "INBOX" });
    rig.gmail.fail({ endpoint: "messages.list", status: 400, reason: "invalidArgument" });
    let page: ListInboxOutput | undefined;
    const requests = await requestsDuring(async () => (page = await list(owner, { limit: 10, offset: 10 })));
    expect(requests["messages.list"]).toBe(2);
    expect(subjects(page?.messages ?? [])).toEqual([
      "Message 36",
      "Message 35",
      "Message 34",
      "Message 33",
      "Message 32",
      "Message 31",
      "Message 30",
      "Message 29",
      "Message 28",
      "Message 27",
    ]);
  });

  it("lists each folder by its system label, and unread_only by UNREAD", async () => {
    expect(subjects((await list(owner, { folder: "SENT" })).messages)).toEqual(["Sent 49", "Sent 48", "Sent 47"]);
    expect(subjects((await list(owner, { folder: "TRASH" })).messages)).toEqual(["Trashed 51", "Trashed 50"]);
    const drafts = await list(owner, { folder: "DRAFTS" });
    expect(drafts.messages.map((message) => [message.subject, message.folder])).toEqual([["Draft 52", "DRAFTS"]]);
    const unread = await list(owner, { unread_only: true, limit: 100 });
    expect(unread.messages.every((message) => message.unread)).toBe(true);
    expect(unread.messages).toHaveLength(16);
  });

  it("retries a batch part Gmail rate-limited, and the page is complete", async () => {
    rig.gmail.fail({ endpoint: "messages.get", status: 429, retryAfterSeconds: 1, times: 2 });
    let page: ListInboxOutput | undefined;
    const requests = await requestsDuring(async () => (page = await list(owner, { limit: 20 }, tuned)));
    expect(page?.messages).toHaveLength(20);
    expect(requests).toMatchObject({ "messages.list": 1, batch: 2, "batched messages.get": 22 });
    expect(waits).toEqual([1000]);
  });
});

describe("Gmail's per-user concurrency in a batch", () => {
  it("completes a page of 50 though Gmail runs fewer parts at once (429 'Too many concurrent requests for user' on the rest): the refused parts go again at once in batches of what Gmail ran, a size kept for later pages", async () => {
    // The limit is shared by every client of the user: a busy user leaves this one fewer parts.
    rig.gmail.concurrentPartsPerUser = 10;
    const provider = createGmailProvider({
      inbox: owner,
      settings: parseGmailSettings(owner.secret),
      app: rig.app,
      callPolicy: { sleep: async (ms) => void waits.push(ms) },
    });
    const args = { inbox_id: owner.id, folder: "INBOX", limit: 50, offset: 0, unread_only: false } as const;
    try {
      rig.gmail.resetCounters();
      const page = await provider.list_inbox(args, new AbortController().signal);
      expect(page).not.toHaveProperty("isError");
      expect((page as ListInboxOutput).messages).toHaveLength(46);
      expect(rig.gmail.requests.batch).toBe(5);
      expect(rig.gmail.batchedCalls).toMatchObject({ "messages.get": 46, refused: 36 });
      expect(waits).toEqual([]);
      rig.gmail.resetCounters();
      const later = await provider.list_inbox({ ...args, limit: 30, offset: 10 }, new AbortController().signal);
      expect((later as ListInboxOutput).messages).toHaveLength(30);
      expect(rig.gmail.batchedCalls.refused).toBeUndefined();
    } finally {
      rig.gmail.concurrentPartsPerUser = 25;
    }
  });
});

describe("read_email", () => {
  it("reads the raw source in one request and leaves the message unread", async () => {
    const [first] = (await list(owner, { limit: 1 })).messages;
    let message: ReadEmailOutput | undefined;
    const requests = await requestsDuring(
      async () => (message = await read(owner, first?.id ?? "", { include_attachments: true })),
    );
    expect(requests).toEqual({ "messages.get": 1 });
    expect(message).toMatchObject({
      id: first?.id,
      thread_id: first?.thread_id,
      rfc822_message_id: "<seed-46@example.org>",
      folder: "INBOX",
      unread: true,
      subject: "Quarterly report for Q3",
    });
    expect(message?.body_text).toContain("It's <plain> & simple.");
    const stored = rig.gmail.mailboxes.mailbox(OWNER)?.messages.get(first?.id ?? "");
    expect([...(stored?.labelIds ?? [])].sort()).toEqual(["INBOX", "UNREAD"]);
  });

  it("returns attachments with their data on request", async () => {
    const withAttachment = (await list(owner, { limit: 2 })).messages[1];
    const message = await read(owner, withAttachment?.id ?? "", { include_attachments: true });
    expect(message.attachments).toMatchObject([
      {
        filename: "report.pdf",
        mime_type: "application/pdf",
        inline: false,
        data: Buffer.from("%PDF report 45").toString("base64"),
      },
    ]);
  });

  it("mark_as_read removes UNREAD and nothing else, with one modify call", async () => {
    const target = (await list(owner, { unread_only: true, limit: 1, offset: 2 })).messages[0];
    let message: ReadEmailOutput | undefined;
    const requests = await requestsDuring(
      async () => (message = await read(owner, target?.id ?? "", { mark_as_read: true })),
    );
    expect(requests).toEqual({ "messages.get": 1, "messages.modify": 1 });
    expect(message?.unread).toBe(false);
    expect([...(rig.gmail.mailboxes.mailbox(OWNER)?.messages.get(target?.id ?? "")?.labelIds ?? [])]).toEqual([
      "INBOX",
    ]);
  });

  it("retries a read that Gmail answered 503, and gives provider_error when it keeps failing", async () => {
    const [first] = (await list(owner, { limit: 1 })).messages;
    rig.gmail.fail({ endpoint: "messages.get", status: 503 });
    expect((await read(owner, first?.id ?? "", {})).id).toBe(first?.id);
    rig.gmail.fail({ endpoint: "messages.get", status: 503, times: 3 });
    expect(await call("read_email", { inbox_id: owner.id, message_id: first?.id }, tuned)).toMatchObject({
      isError: true,
      errorCode: "provider_error",
    });
    expect(waits).toEqual([500, 1000]);
  });
});

describe("search_emails", () => {
  it("maps the portable syntax to Gmail's q: from:, to: (To or Cc), subject:, dates, is:unread, has:attachment, OR, -", async () => {
    expect(subjects((await search("from:alice")).messages)).toEqual(["Quarterly report for Q3"]);
    expect(subjects((await search("to:carol")).messages)).toEqual(["Quarterly report for Q3"]);
    expect(subjects((await search('subject:"report for"')).messages)).toEqual(["Quarterly report for Q3"]);
    expect(subjects((await search("after:2026-02-12 before:2026/02/14")).messages)).toEqual([
      "Message 43",
      "Message 42",
    ]);
    expect(subjects((await search('has:attachment -subject:"Message 4"')).messages)).toEqual([
      "Message 35",
      "Message 30",
      "Message 25",
      "Message 20",
      "Message 15",
      "Message 10",
      "Message 05",
    ]);
    expect(subjects((await search('subject:"Message 01" OR subject:"Message 02"')).messages)).toEqual([
      "Message 02",
      "Message 01",
    ]);
    const unread = await search("is:unread subject:Message");
    expect(unread.messages.every((message) => message.unread)).toBe(true);
    // One page held every match: the total is counted, not Gmail's estimate (the core's page arithmetic).
    expect(unread).toMatchObject({
      syntax: "portable",
      total: unread.messages.length,
      total_is_estimate: false,
      result_ceiling: null,
    });
  });

  it("finds a word or a phrase as Gmail does, by whole words only: part of a word finds nothing", async () => {
    expect(subjects((await search("Quarterly")).messages)).toEqual(["Quarterly report for Q3"]);
    expect(subjects((await search('"report for q3"')).messages)).toEqual(["Quarterly report for Q3"]);
    expect((await search("Quarter")).messages).toEqual([]);
    expect((await search("port")).messages).toEqual([]);
  });

  it("searches the four folders unless include_folders narrows them, each result in its folder", async () => {
    const everywhere = await search("subject:Sent OR subject:Trashed OR subject:Draft OR subject:Archived");
    expect(everywhere.messages.map((message) => [message.subject, message.folder])).toEqual([
      ["Draft 52", "DRAFTS"],
      ["Trashed 51", "TRASH"],
      ["Trashed 50", "TRASH"],
      ["Sent 49", "SENT"],
      ["Sent 48", "SENT"],
      ["Sent 47", "SENT"],
    ]);
    expect(
      subjects((await search("subject:Sent OR subject:Trashed", { include_folders: ["TRASH"] })).messages),
    ).toEqual(["Trashed 51", "Trashed 50"]);
  });

  it("passes a native query to Gmail untouched", async () => {
    const native = await search("in:anywhere subject:Archived", { syntax: "native" });
    expect(native.messages.map((message) => [message.subject, message.folder])).toEqual([["Archived 53", "All Mail"]]);
    expect(native.syntax).toBe("native");
  });

  it("refuses a portable term outside the subset with no request, and a folder Gmail does not have after only its labels", async () => {
    rig.gmail.resetCounters();
    expect(await protocolError("search_emails", { inbox_id: owner.id, query: "label:work" })).toMatchObject({
      code: -32602,
      data: { parameter: "query", rule: "query_term" },
    });
    expect(rig.gmail.totalRequests()).toBe(0);
    expect(
      await protocolError("search_emails", { inbox_id: owner.id, query: "x", include_folders: ["Archive"] }),
    ).toMatchObject({ code: -32602, data: { parameter: "include_folders[0]", rule: "enum" } });
    expect(rig.gmail.requests["labels.list"]).toBe(1);
    expect(rig.gmail.requests["messages.list"]).toBe(0);
  });
});

describe("send_email and reply_to_email", () => {
  it("sends raw MIME through messages.send's upload endpoint: Gmail files it in SENT, the recipient gets it in INBOX unread, Bcc only in the sender's copy", async () => {
    let sent: SendResult | undefined;
    const requests = await requestsDuring(
      async () =>
        (sent = await ok<SendResult>("send_email", {
          inbox_id: owner.id,
          to: [PEER],
          bcc: ["hidden@example.com"],
          subject: "Hello peer",
          body: "Hi!",
        })),
    );
    expect(requests).toEqual({ "messages.send.upload": 1, "messages.get": 1 });
    expect(sent).toMatchObject({ delivery_status: "accepted", idempotent_replay: false });
    const own = await read(owner, sent?.message_id ?? "");
    expect(own).toMatchObject({
      folder: "SENT",
      unread: false,
      subject: "Hello peer",
      rfc822_message_id: sent?.rfc822_message_id,
      bcc: [{ name: null, address: "hidden@example.com" }],
    });
    const received = (await list(peer)).messages.find(
      (message) => message.rfc822_message_id === sent?.rfc822_message_id,
    );
    expect(received).toMatchObject({ folder: "INBOX", unread: true, from: { address: OWNER } });
    expect((await read(peer, received?.id ?? "")).bcc).toEqual([]);
  });

  it("keeps a reply in its thread on both sides: threadId (in the upload's metadata), In-Reply-To, References and one Re:", async () => {
    const question = await ok<SendResult>("send_email", {
      inbox_id: peer.id,
      to: [OWNER],
      subject: "Lunch on Friday?",
      body: "Are you free?",
    });
    const received = (await list(owner, { limit: 5 })).messages.find(
      (message) => message.rfc822_message_id === question.rfc822_message_id,
    );
    let reply = {} as SendResult;
    const requests = await requestsDuring(
      async () =>
        (reply = await ok<SendResult>("reply_to_email", {
          inbox_id: owner.id,
          message_id: received?.id,
          body: "Yes!",
        })),
    );
    // The original's raw source, the upload (the message after its threadId), the stored Message-ID.
    expect(requests).toEqual({ "messages.get": 2, "messages.send.upload": 1 });
    expect(reply.thread_id).toBe(received?.thread_id);
    const ownReply = await read(owner, reply.message_id ?? "");
    expect(ownReply).toMatchObject({
      subject: "Re: Lunch on Friday?",
      in_reply_to: question.rfc822_message_id,
      references: [question.rfc822_message_id],
      to: [{ address: PEER }],
    });
    const answer = (await list(peer, { limit: 5 })).messages.find(
      (message) => message.rfc822_message_id === reply.rfc822_message_id,
    );
    expect(answer?.thread_id).toBe(question.thread_id);
    const again = await ok<SendResult>("reply_to_email", { inbox_id: peer.id, message_id: answer?.id, body: "Great." });
    expect(again.thread_id).toBe(question.thread_id);
    expect(
      (await list(owner, { limit: 5 })).messages.find(
        (message) => message.rfc822_message_id === again.rfc822_message_id,
      )?.thread_id,
    ).toBe(received?.thread_id);
  });

  it("sends 2.9 MiB of attachments (4 MiB of MIME) through the upload endpoint: Gmail refuses JSON bodies far smaller", async () => {
    const data = Buffer.alloc(Math.floor(2.9 * 1024 * 1024), 5);
    for (let index = 0; index < data.length; index += 4096) data[index] = index % 251;
    let sent: SendResult | undefined;
    const requests = await requestsDuring(
      async () =>
        (sent = await ok<SendResult>("send_email", {
          inbox_id: owner.id,
          to: [PEER],
          subject: "Just under 4 MiB",
          body: "Attached.",
          attachments: [{ filename: "scan.pdf", mime_type: "application/pdf", data: data.toString("base64") }],
        })),
    );
    expect(requests).toEqual({ "messages.send.upload": 1, "messages.get": 1 });
    const received = (await list(peer, { limit: 5 })).messages.find(
      (message) => message.rfc822_message_id === sent?.rfc822_message_id,
    );
    const message = await read(peer, received?.id ?? "", { include_attachments: true });
    expect(Buffer.from(message.attachments[0]?.data ?? "", "base64").equals(data)).toBe(true);
  });

  it("sends 10 MiB of attachments through the upload endpoint", async () => {
    const data = Buffer.alloc(10 * 1024 * 1024, 7);
    for (let index = 0; index < data.length; index += 4096) data[index] = index % 251;
    let sent: SendResult | undefined;
    const requests = await requestsDuring(
      async () =>
        (sent = await ok<SendResult>("send_email", {
          inbox_id: owner.id,
          to: [PEER],
          subject: "Big file",
          body: "Attached.",
          attachments: [{ filename: "big.bin", mime_type: "application/octet-stream", data: data.toString("base64") }],
        })),
    );
    expect(requests["messages.send.upload"]).toBe(1);
    expect(requests["messages.send"]).toBeUndefined();
    const received = (await list(peer, { limit: 5 })).messages.find(
      (message) => message.rfc822_message_id === sent?.rfc822_message_id,
    );
    const message = await read(peer, received?.id ?? "", { include_attachments: true });
    expect(message.attachments[0]?.size_bytes).toBe(data.length);
    const digest = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
    expect(digest(Buffer.from(message.attachments[0]?.data ?? "", "base64"))).toBe(digest(data));
  });

  it("refuses more than 10 MiB and a bad recipient before anything reaches Gmail", async () => {
    const requests = await requestsDuring(async () => {
      const big = Buffer.alloc(10 * 1024 * 1024 + 1).toString("base64");
      expect(
        await call("send_email", {
          inbox_id: owner.id,
          to: [PEER],
          subject: "x",
          body: "y",
          attachments: [{ filename: "a", mime_type: "application/octet-stream", data: big }],
        }),
      ).toMatchObject({
        errorCode: "attachment_too_large",
      });
      expect(
        await call("send_email", { inbox_id: owner.id, to: [PEER], cc: ["not an address"], subject: "x", body: "y" }),
      ).toMatchObject({ errorCode: "invalid_recipient", parameter: "cc[0]" });
    });
    expect(requests).toEqual({});
  });

  it("never sends again after a 5xx: provider_error with delivery status unknown, and the message went once", async () => {
    const before = rig.gmail.mailboxes.mailbox(PEER)?.messages.size ?? 0;
    rig.gmail.fail({ endpoint: "messages.send.upload", status: 500, afterExecuting: true });
    let result: ToolResult | undefined;
    const requests = await requestsDuring(
      async () =>
        (result = await call(
          "send_email",
          { inbox_id: owner.id, to: [PEER], subject: "Maybe sent", body: "?" },
          tuned,
        )),
    );
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(result?.content[0]?.text).toContain("outcome is unknown");
    expect(requests).toEqual({ "messages.send.upload": 1 });
    expect(rig.gmail.mailboxes.mailbox(PEER)?.messages.size).toBe(before + 1);
    expect(waits).toEqual([]);
  });

  it("retries a send Gmail rate-limited (not executed), honouring Retry-After, and it goes once", async () => {
    const before = rig.gmail.mailboxes.mailbox(PEER)?.messages.size ?? 0;
    rig.gmail.fail({
      endpoint: "messages.send.upload",
      status: 403,
      reason: "userRateLimitExceeded",
      retryAfterSeconds: 2,
    });
    await ok<SendResult>("send_email", { inbox_id: owner.id, to: [PEER], subject: "After a wait", body: "." }, tuned);
    expect(waits).toEqual([2000]);
    expect(rig.gmail.mailboxes.mailbox(PEER)?.messages.size).toBe(before + 1);
  });

  it("gives provider_error with retryAfter when the rate limit outlasts the retries, and nothing was sent", async () => {
    const before = rig.gmail.mailboxes.mailbox(PEER)?.messages.size ?? 0;
    rig.gmail.fail({ endpoint: "messages.send.upload", status: 429, retryAfterSeconds: 1, times: 3 });
    const result = await call("send_email", { inbox_id: owner.id, to: [PEER], subject: "Never", body: "." }, tuned);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error", retryAfter: 1 });
    expect(result.content[0]?.text).toMatch(/nothing was sent/i);
    expect(waits).toEqual([1000, 1000]);
    expect(rig.gmail.mailboxes.mailbox(PEER)?.messages.size).toBe(before);
    rig.gmail.fail({ endpoint: "messages.list", status: 429, retryAfterSeconds: 600 });
    expect(await call("list_inbox", { inbox_id: owner.id }, tuned)).toMatchObject({
      errorCode: "provider_error",
      retryAfter: 600,
    });
  });

  it("gives provider_error with the retryAfter of Gmail's sending-limit 429, which names it in its message, not in Retry-After; nothing sent, no retry", async () => {
    const mailbox = rig.gmail.mailboxes.mailbox(OWNER);
    if (mailbox === undefined) throw new Error("no mailbox");
    const before = rig.gmail.mailboxes.mailbox(PEER)?.messages.size ?? 0;
    const limit = mailbox.sendingLimit;
    // Every send of this run was in the last 24 hours: the limit is reached, the first send frees a place.
    mailbox.sendingLimit = mailbox.sentAt.length;
    try {
      let result: ToolResult | undefined;
      const requests = await requestsDuring(
        async () =>
          (result = await call("send_email", { inbox_id: owner.id, to: [PEER], subject: "Over", body: "." }, tuned)),
      );
      const wait = Math.ceil(((mailbox.sentAt[0] ?? 0) + DAY - Date.now()) / 1000);
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
      expect(result?.retryAfter).toBeGreaterThanOrEqual(wait - 5);
      expect(result?.retryAfter).toBeLessThanOrEqual(wait);
      expect(result?.content[0]?.text).toMatch(/nothing was sent/i);
      expect(requests).toEqual({ "messages.send.upload": 1 });
      expect(waits).toEqual([]);
      expect(rig.gmail.mailboxes.mailbox(PEER)?.messages.size).toBe(before);
    } finally {
      mailbox.sendingLimit = limit;
    }
  });

  it("sends once for a repeated idempotency_key", async () => {
    const args = { inbox_id: owner.id, to: [PEER], subject: "Once", body: ".", idempotency_key: "gmail-once-1" };
    const requests = await requestsDuring(async () => {
      await ok<SendResult>("send_email", args);
      expect(await ok<SendResult>("send_email", args)).toMatchObject({ idempotent_replay: true });
    });
    expect(requests["messages.send.upload"]).toBe(1);
  });
});

describe("credentials", () => {
  it("refreshes an expired access token transparently: one 401, one token request, the call succeeds", async () => {
    await list(owner, { limit: 1 });
    rig.gmail.oauth.expireAccessTokens();
    let page: ListInboxOutput | undefined;
    const requests = await requestsDuring(async () => (page = await list(owner, { limit: 1 })));
    expect(page?.messages).toHaveLength(1);
    expect(requests).toEqual({ "messages.list": 2, token: 1, batch: 1, "batched messages.get": 1 });
  });

  it("auth_failed for every tool once the grant is revoked (invalid_grant)", async () => {
    const revoked = server.extraInboxes[2] as InboxRecord;
    rig.gmail.oauth.revoke(revokedSettings.refreshToken);
    expect(await call("list_inbox", { inbox_id: revoked.id })).toMatchObject({
      isError: true,
      errorCode: "auth_failed",
    });
    expect(await call("search_emails", { inbox_id: revoked.id, query: "x" })).toMatchObject({
      errorCode: "auth_failed",
    });
    expect(await call("read_email", { inbox_id: revoked.id, message_id: "18f0000000000001" })).toMatchObject({
      errorCode: "auth_failed",
    });
    expect(await call("send_email", { inbox_id: revoked.id, to: [PEER], subject: "x", body: "y" })).toMatchObject({
      errorCode: "auth_failed",
    });
    expect(
      await call("reply_to_email", { inbox_id: revoked.id, message_id: "18f0000000000001", body: "y" }),
    ).toMatchObject({ errorCode: "auth_failed" });
  });

  it("auth_failed when the grant lacks the scope a tool needs (403 insufficientPermissions), reads still working", async () => {
    const narrow = server.extraInboxes[3] as InboxRecord;
    const [only] = (await list(narrow)).messages;
    expect(only?.subject).toBe("Narrow 60");
    expect(await call("read_email", { inbox_id: narrow.id, message_id: only?.id, mark_as_read: true })).toMatchObject({
      errorCode: "auth_failed",
    });
    expect(await call("send_email", { inbox_id: narrow.id, to: [PEER], subject: "x", body: "y" })).toMatchObject({
      errorCode: "auth_failed",
    });
  });
});

describe("the errors the layer above gives for a Gmail inbox", () => {
  it("inbox_not_found to a test key, scope_denied to a live read-only key, idempotency_key_reused for other arguments", async () => {
    const asTestKey = await post(server, toolCall("list_inbox", { inbox_id: owner.id }), {
      key: server.keys.full,
      revision: "2025-06-18",
    });
    expect((asTestKey.json as { result: ToolResult }).result).toMatchObject({ errorCode: "inbox_not_found" });
    const { key } = await createApiKey(server.store, {
      workspaceId: server.workspaceId,
      scopes: ["read:email"],
      mode: "live",
    });
    const denied = await post(
      server,
      toolCall("send_email", { inbox_id: owner.id, to: [PEER], subject: "x", body: "y" }),
      { key, revision: "2025-06-18" },
    );
    expect((denied.json as { result: ToolResult }).result).toMatchObject({
      errorCode: "scope_denied",
      requiredScope: "send:email",
    });
    await ok<SendResult>("send_email", {
      inbox_id: owner.id,
      to: [PEER],
      subject: "Keyed",
      body: "1",
      idempotency_key: "gmail-reused-1",
    });
    expect(
      await call("send_email", {
        inbox_id: owner.id,
        to: [PEER],
        subject: "Keyed",
        body: "2",
        idempotency_key: "gmail-reused-1",
      }),
    ).toMatchObject({ errorCode: "idempotency_key_reused" });
  });

  it("quota_exceeded past the daily sends and rate_limit_exceeded past the key's window, nothing reaching Gmail", async () => {
    const limited = await startTestServer({
      inboxes: [{ kind: "gmail", addresses: [OWNER], secret: owner.secret }],
      registry: { google: rig.app },
      plan: "enterprise",
      sendsPerDay: 1,
      rateWindows: [{ name: "minute", seconds: 60, limit: 3 }],
    });
    try {
      const inboxId = limited.extraInboxes[0]?.id;
      const send = async () =>
        (
          await post(limited, toolCall("send_email", { inbox_id: inboxId, to: [PEER], subject: "Quota", body: "." }), {
            key: limited.keys.live,
            revision: "2025-06-18",
          })
        ).json as { result: ToolResult };
      expect((await send()).result.isError).toBeFalsy();
      const requests = await requestsDuring(async () => {
        expect((await send()).result).toMatchObject({ errorCode: "quota_exceeded", quota: "sends_per_day" });
        await post(limited, toolCall("list_inbox", { inbox_id: inboxId }), { key: limited.keys.live });
        const refused = await post(limited, toolCall("list_inbox", { inbox_id: inboxId }), {
          key: limited.keys.live,
          revision: "2025-06-18",
        });
        expect((refused.json as { result: ToolResult }).result).toMatchObject({
          errorCode: "rate_limit_exceeded",
          window: "minute",
          limit: 3,
        });
      });
      expect(requests["messages.send.upload"]).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

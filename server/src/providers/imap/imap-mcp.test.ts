// The IMAP/SMTP provider end to end: MCP calls to /mcp of a real server, whose IMAP inboxes are
// users of the real Dovecot of scripts/dovecot.sh, sending through the rig's SMTP relay (which
// delivers into Dovecot over LMTP).
import { createHash } from "node:crypto";
import {
  outputValidators,
  RATE_LIMITS,
  type GetAttachmentOutput,
  type GetThreadOutput,
  type ListFoldersOutput,
  type ListInboxOutput,
  type MessageSummary,
  type ReadEmailOutput,
  type SearchEmailsOutput,
  type SendResult,
} from "@mcpemails/generated";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRigUser, dovecotRig, imapSettingsFor, type RigUser } from "../../../test/support/dovecot-rig.js";
import {
  BIG_ATTACHMENT_BYTES,
  CORPUS_CUSTOM_FOLDER,
  corpusMessage,
  seedRealisticCorpus,
  type CorpusManifest,
} from "../../../test/support/imap-corpus.js";
import { startSmtpRelay, type SmtpRelay } from "../../../test/support/smtp-relay.js";
import { post, startTestServer, toolCall, type TestServer } from "../../../test/support/test-server.js";
import { OPEN_POLICY } from "../../send-policy/send-policy.js";
import { encodeMessageId, decodeMessageId } from "./imap-message-id.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
if (rig === undefined)
  console.warn(
    "imap-mcp.test.ts skipped: no Dovecot rig (run `bash scripts/dovecot.sh start` and export its lines, or run through scripts/test.sh)",
  );

let server: TestServer;
let relay: SmtpRelay;
let owner: RigUser;
let peer: RigUser;
let corpus: CorpusManifest;
let ownerInbox: string;
let peerInbox: string;
let wrongPasswordInbox: string;
let unreachableInbox: string;

type ToolResult = Record<string, unknown> & {
  isError?: boolean;
  errorCode?: string;
  structuredContent?: unknown;
  content: Array<{ text: string }>;
};

async function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const response = await post(server, toolCall(name, args), { key: server.keys.live, revision: "2025-06-18" });
  const json = response.json as { result?: ToolResult; error?: unknown };
  if (json.result === undefined) throw new Error(`${name} answered a protocol error: ${JSON.stringify(json.error)}`);
  return json.result;
}

async function protocolError(
  name: string,
  args: Record<string, unknown>,
): Promise<{ code: number; data: { parameter: string; rule: string; message: string } }> {
  const response = await post(server, toolCall(name, args), { key: server.keys.live, revision: "2025-06-18" });
  return (response.json as { error: { code: number; data: { parameter: string; rule: string; message: string } } })
    .error;
}

async function ok<T>(
  name:
    | "list_inbox"
    | "read_email"
    | "search_emails"
    | "send_email"
    | "reply_to_email"
    | "list_folders"
    | "get_thread"
    | "get_attachment",
  args: Record<string, unknown>,
): Promise<T> {
  const result = await call(name, args);
  if (result.isError) throw new Error(`${name} failed: ${result.errorCode} ${result.content[0]?.text}`);
  expect(outputValidators[name](result.structuredContent).ok).toBe(true);
  return result.structuredContent as T;
}

const list = (inbox: string, args: Record<string, unknown> = {}) =>
  ok<ListInboxOutput>("list_inbox", { inbox_id: inbox, limit: 100, ...args });
const read = (inbox: string, id: string, args: Record<string, unknown> = {}) =>
  ok<ReadEmailOutput>("read_email", { inbox_id: inbox, message_id: id, ...args });
const search = (inbox: string, query: string, args: Record<string, unknown> = {}) =>
  ok<SearchEmailsOutput>("search_emails", { inbox_id: inbox, query, limit: 100, ...args });
const sha256 = (base64: string) => createHash("sha256").update(Buffer.from(base64, "base64")).digest("hex");

/** The id of the listed message with this Message-ID. */
function idOf(messages: readonly MessageSummary[], messageId: string): string {
  const found = messages.find((message) => message.rfc822_message_id === messageId);
  if (!found) throw new Error(`${messageId} is not listed`);
  return found.id;
}

/** Waits until the inbox's INBOX holds a message matching the test (delivery is synchronous in the relay, so this is quick). */
async function arrived(inbox: string, test: (message: MessageSummary) => boolean): Promise<MessageSummary> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = (await list(inbox)).messages.find(test);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the message did not arrive");
}

/** The raw source as Dovecot stores it, read with a client of our own. */
async function rawSource(user: RigUser, folder: string, uid: number): Promise<string> {
  const client = new ImapFlow({
    host: rig?.host ?? "",
    port: rig?.imapPort ?? 0,
    secure: false,
    auth: { user: user.address, pass: user.password },
    logger: false,
  });
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
    return message === false ? "" : (message.source?.toString("utf8") ?? "");
  } finally {
    await client.logout();
  }
}

describeWithRig("an IMAP/SMTP inbox through /mcp against Dovecot", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    relay = await startSmtpRelay({ rig });
    owner = await createRigUser(rig, "mcp-owner");
    peer = await createRigUser(rig, "mcp-peer");
    corpus = await seedRealisticCorpus(rig, owner.address);
    const wrong = { ...imapSettingsFor(rig, owner, relay.port), password: "not-the-password-x9" };
    const unreachable = {
      ...imapSettingsFor(rig, owner, 1),
      imap: { host: "127.0.0.1", port: 1, security: "plaintext" },
    };
    server = await startTestServer({
      inboxes: [
        { kind: "imap", addresses: [owner.address], secret: JSON.stringify(imapSettingsFor(rig, owner, relay.port)) },
        { kind: "imap", addresses: [peer.address], secret: JSON.stringify(imapSettingsFor(rig, peer, relay.port)) },
        { kind: "imap", addresses: [owner.address], secret: JSON.stringify(wrong) },
        { kind: "imap", addresses: [owner.address], secret: JSON.stringify(unreachable) },
      ],
      registry: { imapPool: { maxConnectionsPerInbox: 2, idleCloseMs: 30_000 } },
      // Every call here is one key's: more than a minute's worth of the spec's rate limit.
      rateWindows: RATE_LIMITS.windows.map((window) => ({ ...window, limit: window.limit * 10 })),
    });
    [ownerInbox, peerInbox, wrongPasswordInbox, unreachableInbox] = server.extraInboxes.map((inbox) => inbox.id) as [
      string,
      string,
      string,
      string,
    ];
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await relay?.close();
  });

  describe("list_inbox", () => {
    it("lists INBOX newest (latest arrival) first with an exact total", async () => {
      const page = await list(ownerInbox);
      const expected = corpus.messages
        .filter((m) => m.folder === "INBOX")
        .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
      expect(page.total).toBe(expected.length);
      expect(page.total_is_estimate).toBe(false);
      expect(page.next_offset).toBeNull();
      expect(page.messages.map((m) => m.rfc822_message_id)).toEqual(expected.map((m) => m.messageId));
      expect(page.messages.every((m) => m.folder === "INBOX")).toBe(true);
    });

    it("summarizes each message from what the server says: addresses, subject, date, flags, attachments, snippet", async () => {
      const { messages } = await list(ownerInbox);
      const byKey = (key: Parameters<typeof corpusMessage>[1]) =>
        messages.find((m) => m.rfc822_message_id === corpusMessage(corpus, key).messageId) as MessageSummary;
      const nonAscii = corpusMessage(corpus, "non-ascii");
      expect(byKey("non-ascii")).toMatchObject({
        subject: nonAscii.subject,
        from: nonAscii.from,
        unread: true,
        has_attachments: false,
        date: nonAscii.date.toISOString(),
      });
      expect(byKey("non-ascii").snippet).toContain("Voilà");
      expect(byKey("attachments")).toMatchObject({ has_attachments: true, unread: false });
      expect(byKey("inline-image").has_attachments).toBe(false);
      expect(byKey("big-attachment").has_attachments).toBe(true);
      expect(byKey("big-attachment").size_bytes).toBe(corpusMessage(corpus, "big-attachment").size);
      expect(byKey("html-only").snippet).toContain("Budget");
      expect(byKey("html-only").cc).toEqual([{ name: "Bob Builder", address: "bob@rig.test" }]);
    });

    it("shows in each summary what read_email shows for the message: snippet, thread, attachments, date, addresses", async () => {
      const { messages } = await list(ownerInbox);
      for (const summary of messages) {
        const full = await read(ownerInbox, summary.id);
        const {
          reply_to: _r,
          bcc: _b,
          in_reply_to: _i,
          references: _refs,
          body_text: _t,
          body_truncated: _bt,
          attachments: _a,
          ...asListed
        } = full;
        expect(asListed, summary.subject).toEqual(summary);
      }
    });

    it("lists only unread messages with unread_only, with their exact count", async () => {
      const unread = corpus.messages
        .filter((m) => m.folder === "INBOX" && !m.seen)
        .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
      const page = await list(ownerInbox, { unread_only: true, limit: 2 });
      expect(page.total).toBe(unread.length);
      expect(page.messages.map((m) => m.rfc822_message_id)).toEqual(unread.slice(0, 2).map((m) => m.messageId));
      const rest = await list(ownerInbox, { unread_only: true, offset: 2 });
      expect(rest.messages.map((m) => m.rfc822_message_id)).toEqual(unread.slice(2).map((m) => m.messageId));
      expect([...page.messages, ...rest.messages].every((m) => m.unread)).toBe(true);
    });

    it.each([
      ["SENT", "Sent"],
      ["DRAFTS", "Drafts"],
      ["TRASH", "Trash"],
    ])("lists %s from the SPECIAL-USE folder %s", async (folder, real) => {
      const page = await list(ownerInbox, { folder });
      const inCorpus = corpus.messages.filter((m) => m.folder === real);
      expect(page.total).toBeGreaterThanOrEqual(inCorpus.length);
      for (const message of inCorpus)
        expect(page.messages.map((m) => m.rfc822_message_id)).toContain(message.messageId);
      expect(page.messages.every((m) => m.folder === folder)).toBe(true);
    });
  });

  describe("read_email", () => {
    it("reads the text, addresses and threading headers, and never marks the message read", async () => {
      const answer = corpusMessage(corpus, "thread-answer");
      const id = idOf((await list(ownerInbox)).messages, answer.messageId);
      const message = await read(ownerInbox, id);
      expect(message).toMatchObject({
        id,
        subject: "Re: Project kickoff",
        unread: true,
        in_reply_to: answer.inReplyTo,
        references: answer.references,
        folder: "INBOX",
      });
      expect(message.body_text).toContain("Great, see you Monday.");
      expect(message.body_html).toBeUndefined();
      await read(ownerInbox, id, { include_html: true, include_attachments: true });
      const after = (await list(ownerInbox)).messages.find((m) => m.id === id);
      expect(after?.unread).toBe(true);
    });

    it("marks the message read only with mark_as_read, and says so in the result", async () => {
      const deals = corpusMessage(corpus, "alternative");
      const id = idOf((await list(ownerInbox)).messages, deals.messageId);
      const message = await read(ownerInbox, id, { mark_as_read: true });
      expect(message.unread).toBe(false);
      expect((await list(ownerInbox)).messages.find((m) => m.id === id)?.unread).toBe(false);
    });

    it("derives the text of an HTML-only message and returns sanitized HTML on request", async () => {
      const id = idOf((await list(ownerInbox)).messages, corpusMessage(corpus, "html-only").messageId);
      const message = await read(ownerInbox, id, { include_html: true });
      expect(message.body_text).toMatch(/Budget[\s\S]*Hiring/);
      expect(message.body_html).toContain("<li>Budget</li>");
    });

    it("turns the XSS corpus inert: no script, handler, javascript: URL, frame, form or remote image survives", async () => {
      const id = idOf((await list(ownerInbox)).messages, corpusMessage(corpus, "xss").messageId);
      const html = (await read(ownerInbox, id, { include_html: true })).body_html ?? "";
      expect(html).toContain("Safe link");
      expect(html).toContain('href="https://example.com/safe"');
      for (const dangerous of [
        /<script/i,
        /onerror/i,
        /onload/i,
        /onclick/i,
        /javascript:/i,
        /<iframe/i,
        /<form/i,
        /<meta/i,
        /<object/i,
        /<svg/i,
        /tracker\.example/i,
        /expression\(/i,
        /alert\(/i,
      ]) {
        expect(html).not.toMatch(dangerous);
      }
    });

    it("gives attachment metadata always and their data, intact, only when asked (the 9 MB one included)", async () => {
      const messages = (await list(ownerInbox)).messages;
      const withTwo = corpusMessage(corpus, "attachments");
      const metadata = await read(ownerInbox, idOf(messages, withTwo.messageId));
      expect(
        metadata.attachments.map((a) => ({
          filename: a.filename,
          mime_type: a.mime_type,
          size_bytes: a.size_bytes,
          data: a.data,
        })),
      ).toEqual(
        withTwo.attachments.map((a) => ({
          filename: a.filename,
          mime_type: a.contentType,
          size_bytes: a.size,
          data: undefined,
        })),
      );
      const big = corpusMessage(corpus, "big-attachment");
      const full = await read(ownerInbox, idOf(messages, big.messageId), { include_attachments: true });
      expect(full.attachments).toHaveLength(1);
      expect(full.attachments[0]?.size_bytes).toBe(BIG_ATTACHMENT_BYTES);
      expect(sha256(full.attachments[0]?.data ?? "")).toBe(big.attachments[0]?.sha256);
      const inline = await read(ownerInbox, idOf(messages, corpusMessage(corpus, "inline-image").messageId));
      expect(inline.attachments[0]).toMatchObject({ inline: true, content_id: "logo@rig.test" });
      expect(inline.has_attachments).toBe(false);
    });

    it("answers message_not_found for a bogus id, a stale UIDVALIDITY, a deleted UID and a folder that does not exist", async () => {
      const real = decodeMessageId((await list(ownerInbox)).messages[0]?.id ?? "");
      expect(real).toBeDefined();
      if (real === undefined) return;
      for (const id of [
        "bogus!",
        "AAAA",
        encodeMessageId({ ...real, uidValidity: real.uidValidity + 1n }),
        encodeMessageId({ ...real, uid: 999_999 }),
        encodeMessageId({ ...real, path: "No Such Folder" }),
      ]) {
        const result = await call("read_email", { inbox_id: ownerInbox, message_id: id });
        expect(result).toMatchObject({ isError: true, errorCode: "message_not_found" });
      }
    });
  });

  describe("search_emails", () => {
    const keysOf = (output: SearchEmailsOutput) =>
      output.messages.map((m) => corpus.messages.find((c) => c.messageId === m.rfc822_message_id)?.key);

    it("finds by sender across every folder, newest first, with an exact total", async () => {
      const result = await search(ownerInbox, "from:bob");
      const expected = corpus.messages
        .filter((m) => m.from.address === "bob@rig.test")
        .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
      expect(result.total).toBe(expected.length);
      expect(result).toMatchObject({ total_is_estimate: false, result_ceiling: null, syntax: "portable" });
      expect(keysOf(result)).toEqual(expected.map((m) => m.key));
    });

    it("reads to:, subject:, dates, is:unread, has:attachment, words, phrases, OR and -", async () => {
      expect(keysOf(await search(ownerInbox, "to:carol"))).toEqual(
        expect.arrayContaining(["thread-start", "thread-reply", "thread-answer", "draft"]),
      );
      expect(keysOf(await search(ownerInbox, "subject:kickoff"))).toEqual([
        "thread-answer",
        "thread-reply",
        "thread-start",
      ]);
      expect(keysOf(await search(ownerInbox, "after:2026/01/05 before:2026/01/06 subject:kickoff -from:bob"))).toEqual([
        "thread-reply",
      ]);
      expect(keysOf(await search(ownerInbox, "before:2026/01/05"))).toEqual([]);
      expect(keysOf(await search(ownerInbox, "has:attachment"))).toEqual(["big-attachment", "attachments"]);
      expect(keysOf(await search(ownerInbox, "is:unread from:zoe"))).toEqual(["non-ascii", "big-attachment"]);
      expect(keysOf(await search(ownerInbox, '"weekly deals" OR lunch'))).toEqual(["alternative", "plain-text"]);
    });

    it("answers has:attachment inside OR, negated or not, from the messages' structure", async () => {
      expect(keysOf(await search(ownerInbox, "has:attachment OR subject:lunch"))).toEqual([
        "big-attachment",
        "attachments",
        "plain-text",
      ]);
      const withoutOrUnread = await search(ownerInbox, "-has:attachment OR is:unread", { include_folders: ["INBOX"] });
      const inbox = corpus.messages.filter(
        (m) => m.folder === "INBOX" && (m.attachments.every((a) => a.inline) || !m.seen),
      );
      expect(keysOf(withoutOrUnread).sort()).toEqual(inbox.map((m) => m.key).sort());
      expect(keysOf(withoutOrUnread)).toContain("big-attachment");
      expect(keysOf(withoutOrUnread)).not.toContain("attachments");
      expect(
        keysOf(
          await search(ownerInbox, "has:attachment OR subject:no-such-subject-x9", {
            include_folders: ["SENT", "DRAFTS"],
          }),
        ),
      ).toEqual([]);
    });

    it("searches non-ASCII text in subjects, bodies and names", async () => {
      expect(keysOf(await search(ownerInbox, "crème"))).toEqual(["non-ascii"]);
      expect(keysOf(await search(ownerInbox, "from:Zoë"))).toEqual(["non-ascii", "big-attachment"]);
    });

    it("restricts the search to include_folders: spec names and the server's own folder names", async () => {
      expect(keysOf(await search(ownerInbox, "subject:kickoff", { include_folders: ["SENT"] }))).toEqual([
        "thread-reply",
      ]);
      expect(
        keysOf(await search(ownerInbox, "from:shop", { include_folders: [CORPUS_CUSTOM_FOLDER, "TRASH"] })),
      ).toEqual(["custom-folder", "trashed"]);
      const error = await protocolError("search_emails", {
        inbox_id: ownerInbox,
        query: "x",
        include_folders: ["INBOX", "Nope"],
      });
      expect(error).toMatchObject({ code: -32602, data: { parameter: "include_folders[1]", rule: "enum" } });
    });

    it("passes native IMAP SEARCH criteria as structured criteria, and refuses what it cannot parse", async () => {
      const native = await search(ownerInbox, 'OR FROM "zoe" SUBJECT "kickoff" UNSEEN', { syntax: "native" });
      expect(native.syntax).toBe("native");
      expect(keysOf(native)).toEqual(["thread-answer", "non-ascii", "big-attachment"]);
      const error = await protocolError("search_emails", {
        inbox_id: ownerInbox,
        query: "X-GM-RAW has:attachment",
        syntax: "native",
      });
      expect(error).toMatchObject({ code: -32602, data: { parameter: "query", rule: "query_term" } });
      const portable = await protocolError("search_emails", { inbox_id: ownerInbox, query: "label:work" });
      expect(portable).toMatchObject({ code: -32602, data: { parameter: "query", rule: "query_term" } });
    });
  });

  describe("send_email and reply_to_email", () => {
    it("delivers to the other inbox with attachments intact, Bcc hidden from recipients, and files a copy in SENT", async () => {
      const pdf = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
      const result = await ok<SendResult>("send_email", {
        inbox_id: ownerInbox,
        to: [`Peer <${peer.address}>`],
        bcc: ["carol@rig.test"],
        subject: "Contract draft – version 2 ✓",
        body: "Please find the contract attached.",
        html_body: "<p>Please find the <b>contract</b> attached.</p>",
        attachments: [{ filename: "contract.pdf", mime_type: "application/pdf", data: pdf.toString("base64") }],
        idempotency_key: "imap-send-1",
      });
      expect(result).toMatchObject({ delivery_status: "accepted", idempotent_replay: false });
      const delivered = await arrived(peerInbox, (m) => m.rfc822_message_id === result.rfc822_message_id);
      expect(delivered).toMatchObject({
        subject: "Contract draft – version 2 ✓",
        has_attachments: true,
        unread: true,
        from: { address: owner.address },
      });
      const full = await read(peerInbox, delivered.id, { include_attachments: true });
      expect(full.attachments).toHaveLength(1);
      expect(full.attachments[0]).toMatchObject({
        filename: "contract.pdf",
        mime_type: "application/pdf",
        size_bytes: pdf.length,
      });
      expect(Buffer.from(full.attachments[0]?.data ?? "", "base64").equals(pdf)).toBe(true);
      expect(full.bcc).toEqual([]);
      const deliveredRaw = await rawSource(peer, "INBOX", decodeMessageId(delivered.id)?.uid ?? 0);
      expect(deliveredRaw).not.toMatch(/^bcc:/im);
      expect(deliveredRaw).not.toContain("carol@rig.test");

      expect(result.message_id).not.toBeNull();
      const sentCopy = await read(ownerInbox, result.message_id ?? "");
      expect(sentCopy).toMatchObject({
        folder: "SENT",
        unread: false,
        rfc822_message_id: result.rfc822_message_id,
        thread_id: result.thread_id,
        bcc: [{ name: null, address: "carol@rig.test" }],
      });
      expect((await list(ownerInbox, { folder: "SENT" })).messages[0]?.rfc822_message_id).toBe(
        result.rfc822_message_id,
      );

      const replay = await ok<SendResult>("send_email", {
        inbox_id: ownerInbox,
        to: [`Peer <${peer.address}>`],
        bcc: ["carol@rig.test"],
        subject: "Contract draft – version 2 ✓",
        body: "Please find the contract attached.",
        html_body: "<p>Please find the <b>contract</b> attached.</p>",
        attachments: [{ filename: "contract.pdf", mime_type: "application/pdf", data: pdf.toString("base64") }],
        idempotency_key: "imap-send-1",
      });
      expect(replay).toMatchObject({ idempotent_replay: true, rfc822_message_id: result.rfc822_message_id });
      const reused = await call("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address],
        subject: "Another message",
        body: "x",
        idempotency_key: "imap-send-1",
      });
      expect(reused).toMatchObject({ isError: true, errorCode: "idempotency_key_reused" });
      expect(
        (await list(peerInbox)).messages.filter((m) => m.rfc822_message_id === result.rfc822_message_id),
      ).toHaveLength(1);
    });

    it("threads a reply: one Re:, In-Reply-To and References, the same thread_id on both sides, reply-all without the own address", async () => {
      const original = await ok<SendResult>("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address],
        cc: ["bob@rig.test"],
        subject: "Budget 2027",
        body: "Numbers attached soon.",
      });
      const received = await arrived(peerInbox, (m) => m.rfc822_message_id === original.rfc822_message_id);
      const reply = await ok<SendResult>("reply_to_email", {
        inbox_id: peerInbox,
        message_id: received.id,
        body: "Looks good.",
        reply_all: true,
      });
      expect(reply.thread_id).toBe(received.thread_id);
      const back = await arrived(ownerInbox, (m) => m.rfc822_message_id === reply.rfc822_message_id);
      const message = await read(ownerInbox, back.id);
      expect(message).toMatchObject({
        subject: "Re: Budget 2027",
        in_reply_to: original.rfc822_message_id,
        references: [original.rfc822_message_id],
        thread_id: original.thread_id,
      });
      expect(message.to.map((a) => a.address)).toEqual([owner.address]);
      expect(message.cc.map((a) => a.address)).toEqual(["bob@rig.test"]);
      const raw = await rawSource(owner, "INBOX", decodeMessageId(back.id)?.uid ?? 0);
      expect(raw).toMatch(new RegExp(`^In-Reply-To: ${original.rfc822_message_id}\\r?$`, "m"));
      expect(raw).toMatch(new RegExp(`^References: ${original.rfc822_message_id}\\r?$`, "m"));
      const inPeerSent = await read(peerInbox, reply.message_id ?? "");
      expect(inPeerSent).toMatchObject({ folder: "SENT", subject: "Re: Budget 2027" });
      const corpusThread = corpusMessage(corpus, "thread-start");
      const threadIds = (await search(ownerInbox, "subject:kickoff")).messages.map((m) => m.thread_id);
      expect(new Set(threadIds).size).toBe(1);
      expect((await read(ownerInbox, idOf((await list(ownerInbox)).messages, corpusThread.messageId))).thread_id).toBe(
        threadIds[0],
      );
    });

    it("neutralizes CR/LF in the subject and the attachment filename, and refuses it in a recipient", async () => {
      const sent = await ok<SendResult>("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address],
        subject: "Hello\r\nBcc: carol@rig.test\r\nX-Injected: subject",
        body: "Body",
        attachments: [
          {
            filename: 'a.txt"\r\nX-Injected: filename\r\n',
            mime_type: "text/plain",
            data: Buffer.from("hi").toString("base64"),
          },
        ],
      });
      const delivered = await arrived(peerInbox, (m) => m.rfc822_message_id === sent.rfc822_message_id);
      const raw = await rawSource(peer, "INBOX", decodeMessageId(delivered.id)?.uid ?? 0);
      const headerLines = raw.split(/\r?\n/);
      expect(headerLines.some((line) => /^x-injected:/i.test(line))).toBe(false);
      expect(headerLines.some((line) => /^bcc:/i.test(line))).toBe(false);
      expect(delivered.subject).toBe("Hello Bcc: carol@rig.test X-Injected: subject");
      const injected = await call("send_email", {
        inbox_id: ownerInbox,
        to: [`${peer.address}\r\nBcc: carol@rig.test`],
        subject: "x",
        body: "x",
      });
      expect(injected).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "to[0]" });
    });

    it("answers invalid_recipient naming the parameter when the SMTP server refuses a recipient with 5xx, and sends nothing", async () => {
      const before = relay.accepted();
      const refused = await call("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address.replace("@", "-nobody@")],
        subject: "x",
        body: "x",
      });
      expect(refused).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "to[0]" });
      const ccRefused = await call("send_email", {
        inbox_id: ownerInbox,
        to: ["ghost@rig.test"],
        cc: ["ghost2@rig.test"],
        subject: "x",
        body: "x",
      });
      expect(ccRefused).toMatchObject({ isError: true, errorCode: "invalid_recipient" });
      const syntax = await call("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address],
        cc: ["not an address"],
        subject: "x",
        body: "x",
      });
      expect(syntax).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "cc[0]" });
      expect(relay.accepted()).toBe(before);
    });

    it("sends to nobody when the SMTP server refuses one recipient and accepts the others, naming the refused one", async () => {
      const before = relay.accepted();
      const subject = `partly refused ${Date.now()}`;
      const refused = await call("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address],
        bcc: ["ghost@rig.test"],
        subject,
        body: "x",
      });
      expect(refused).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "bcc[0]" });
      expect(JSON.stringify(refused)).toContain("ghost@rig.test");
      expect(relay.accepted()).toBe(before);
      expect((await list(peerInbox)).messages.map((message) => message.subject)).not.toContain(subject);
      // The same message to the accepted recipient alone goes, once.
      expect(await call("send_email", { inbox_id: ownerInbox, to: [peer.address], subject, body: "x" })).toMatchObject({
        structuredContent: { delivery_status: "accepted" },
      });
      expect(relay.accepted()).toBe(before + 1);
    });

    it("answers attachment_too_large over 10 MiB decoded, before anything is sent", async () => {
      const before = relay.accepted();
      const result = await call("send_email", {
        inbox_id: ownerInbox,
        to: [peer.address],
        subject: "big",
        body: "x",
        attachments: [
          {
            filename: "big.bin",
            mime_type: "application/octet-stream",
            data: Buffer.alloc(10 * 1024 * 1024 + 1).toString("base64"),
          },
        ],
      });
      expect(result).toMatchObject({ isError: true, errorCode: "attachment_too_large" });
      expect(relay.accepted()).toBe(before);
    });
  });

  describe("send policy", () => {
    it("refuses a reply to a blocked sender and a send to a blocked domain before SMTP, and sends again once the policy is lifted", async () => {
      const before = relay.accepted();
      const peerDomain = peer.address.slice(peer.address.lastIndexOf("@") + 1);
      const [original] = (await list(ownerInbox)).messages;
      await server.store.updateWorkspaceLimits(server.workspaceId, {
        sendPolicy: { ...OPEN_POLICY, blockRecipients: [peerDomain, original!.from!.address] },
      });
      try {
        const subject = `policy ${Date.now()}`;
        const refused = await call("send_email", { inbox_id: ownerInbox, to: [peer.address], subject, body: "x" });
        expect(refused).toMatchObject({ isError: true, errorCode: "send_policy_refused", rule: "recipient_blocked" });
        const reply = await call("reply_to_email", { inbox_id: ownerInbox, message_id: original!.id, body: "x" });
        expect(reply).toMatchObject({ isError: true, errorCode: "send_policy_refused", rule: "recipient_blocked" });
        expect(relay.accepted()).toBe(before);
        expect((await list(peerInbox)).messages.map((message) => message.subject)).not.toContain(subject);
      } finally {
        await server.store.updateWorkspaceLimits(server.workspaceId, { sendPolicy: null });
      }
      expect(
        await call("send_email", { inbox_id: ownerInbox, to: [peer.address], subject: "lifted", body: "x" }),
      ).toMatchObject({
        structuredContent: { delivery_status: "accepted" },
      });
      expect(relay.accepted()).toBe(before + 1);
    });
  });

  describe("list_folders, get_thread and get_attachment", () => {
    const keyOf = (rfc822MessageId: string | null) => corpus.messages.find((c) => c.messageId === rfc822MessageId)?.key;

    it("lists the standard folders first and the server's own, each counted as list_inbox counts it", async () => {
      const { folders, truncated } = await ok<ListFoldersOutput>("list_folders", { inbox_id: ownerInbox });
      expect(truncated).toBe(false);
      expect(folders.slice(0, 4).map((folder) => folder.id)).toEqual(["INBOX", "SENT", "DRAFTS", "TRASH"]);
      expect(folders).toContainEqual(expect.objectContaining({ id: CORPUS_CUSTOM_FOLDER, kind: "other" }));
      for (const folder of folders) {
        const listed = await list(ownerInbox, { folder: folder.id, limit: 1 });
        expect(folder.total, folder.id).toBe(listed.total);
      }
      const error = await protocolError("list_inbox", { inbox_id: ownerInbox, folder: "Nope" });
      expect(error).toMatchObject({ code: -32602, data: { parameter: "folder", rule: "enum" } });
    });

    it("gives a thread across INBOX and SENT oldest first, from the thread id a search gave", async () => {
      const [start] = (await search(ownerInbox, "subject:kickoff")).messages;
      const thread = await ok<GetThreadOutput>("get_thread", { inbox_id: ownerInbox, thread_id: start?.thread_id });
      expect(thread.messages.map((m) => [keyOf(m.rfc822_message_id), m.folder])).toEqual([
        ["thread-start", "INBOX"],
        ["thread-reply", "SENT"],
        ["thread-answer", "INBOX"],
      ]);
      expect(thread).toMatchObject({ message_count: 3, truncated: false });
    });

    it("gives the 9 MB attachment intact, with read_email's metadata", async () => {
      const big = corpusMessage(corpus, "big-attachment");
      const id = idOf((await list(ownerInbox)).messages, big.messageId);
      const [described] = (await read(ownerInbox, id)).attachments;
      const { data, ...metadata } = await ok<GetAttachmentOutput>("get_attachment", {
        inbox_id: ownerInbox,
        message_id: id,
        attachment_id: described?.attachment_id,
      });
      expect(metadata).toEqual(described);
      expect(metadata.size_bytes).toBe(BIG_ATTACHMENT_BYTES);
      expect(sha256(data)).toBe(big.attachments[0]?.sha256);
    });
  });

  describe("failures of the servers", () => {
    it("answers auth_failed on every tool when the server refuses the password", async () => {
      for (const [tool, args] of [
        ["list_inbox", {}],
        ["search_emails", { query: "x" }],
        ["read_email", { message_id: encodeMessageId({ path: "INBOX", uidValidity: 1n, uid: 1 }) }],
        ["send_email", { to: [peer.address], subject: "x", body: "x" }],
        ["reply_to_email", { message_id: encodeMessageId({ path: "INBOX", uidValidity: 1n, uid: 1 }), body: "x" }],
        ["list_folders", {}],
        ["get_thread", { thread_id: "tAAAAAAAAAAAAAAAAAAAAAAPHhAZXhhbXBsZS5uZXQ-" }],
        [
          "get_attachment",
          { message_id: encodeMessageId({ path: "INBOX", uidValidity: 1n, uid: 1 }), attachment_id: "2" },
        ],
      ] as const) {
        const result = await call(tool, { inbox_id: wrongPasswordInbox, ...args });
        expect(result, tool).toMatchObject({ isError: true, errorCode: "auth_failed" });
        expect(JSON.stringify(result)).not.toContain("not-the-password-x9");
      }
    });

    it("answers inbox_not_found to a test key, which sees sandbox inboxes only", async () => {
      const response = await post(server, toolCall("list_inbox", { inbox_id: ownerInbox }), {
        key: server.keys.full,
        revision: "2025-06-18",
      });
      expect((response.json as { result: ToolResult }).result).toMatchObject({
        isError: true,
        errorCode: "inbox_not_found",
      });
    });

    it("answers provider_error with the failure's words (no stack trace) when the server cannot be reached", async () => {
      const result = await call("list_inbox", { inbox_id: unreachableInbox });
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
      expect(result.content[0]?.text).toMatch(/ECONNREFUSED|connect/i);
      expect(result.content[0]?.text).not.toMatch(/\n\s+at /);
      expect(JSON.stringify(result)).not.toContain(owner.password);
    });
  });
});

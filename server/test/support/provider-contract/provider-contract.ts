// The behaviour every MailProvider must show, whatever service is behind it, as one vitest suite run
// against each provider (provider-contract.test.ts): every tool with each of its options, the
// caller's abort, and the failures of the service, each case counted in the tools x providers matrix
// (contract-matrix.ts). A case a provider fails today through a fault of its own is listed in
// known-divergences.ts, and its test holds the current behaviour until the provider is fixed.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  inputValidators,
  LIMITS,
  outputValidators,
  sendPolicyRefused,
  type Draft,
  type GetAttachmentOutput,
  type GetThreadOutput,
  type ListFoldersOutput,
  type ListInboxOutput,
  type MessageSummary,
  type ReadEmailOutput,
  type SearchEmailsOutput,
  type ToolArgs,
  type ToolName,
} from "@mcpemails/generated";
import { ParameterError, type SentMessage } from "../../../src/providers/provider.js";
import type { OutgoingMessage } from "../../../src/mail/outgoing.js";
import { checkOutgoing, type OutgoingCheck } from "../../../src/send-policy/check-outgoing.js";
import { parseSendPolicy } from "../../../src/send-policy/send-policy.js";
import { riskOf } from "../../../src/tools/message-risk.js";
import { KnownCorrespondents } from "../../../src/correspondents/known-correspondents.js";
import { isKnownSender } from "../../../src/correspondents/known-sender.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import {
  declareColumn,
  recordDivergence,
  recordFail,
  recordNotApplicable,
  recordPass,
  type MatrixRow,
} from "./contract-matrix.js";
import {
  ALICE,
  CAROL,
  contractFixture,
  DAY_MS,
  FIXTURE_START,
  INBOX_SUBJECTS,
  REPORT_PDF,
  SENT_SUBJECT,
  TEAM,
  UNREAD_SUBJECTS,
} from "./contract-fixture.js";
import { knownDivergence } from "./known-divergences.js";
import type { ContractInbox, FailureMode, ProviderAdapter } from "./provider-adapter.js";

const never = new AbortController().signal;
/** A Message-ID as RFC 5322 writes it: <left@right>. */
const RFC822_MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/u;
/** What the spec's search deadline shrinks to in the slow-search case, so that the case takes no 30 s. */
const SHORT_SEARCH_DEADLINE_MS = 200;

/** The case that needs a third mailbox, which a two-user rig lists in notApplicableCases. */
export const REPLY_ALL_CASE = "replies to all with reply_all, leaving out the inbox's own addresses (its alias too)";

export type AdapterOrSkip = ProviderAdapter | { name: string; skipped: string };

export function describeProviderContract(subject: AdapterOrSkip): void {
  declareColumn(subject.name);
  if ("skipped" in subject) {
    describe.skip(`${subject.name}: the provider contract (${subject.skipped})`, () => {
      it("runs", () => undefined);
    });
    return;
  }
  const adapter = subject;
  const name = adapter.name;

  describe(`${name}: the provider contract`, () => {
    let inbox: ContractInbox;
    let peer: ContractInbox;
    let third: ContractInbox | undefined;
    /** The third inbox's address, or one at no mailbox when the rig has two. */
    let thirdAddress: string;
    /** The seeded INBOX, by subject. */
    let seeded: Map<string, MessageSummary>;

    beforeAll(async () => adapter.start(), 60_000);
    afterAll(async () => adapter.stop());

    beforeEach(async () => {
      ({ inbox, peer, third } = await adapter.open());
      thirdAddress = third?.address ?? `third@${peer.address.slice(peer.address.lastIndexOf("@") + 1)}`;
      await adapter.seed(
        inbox,
        await contractFixture({ own: inbox.address, alias: inbox.alias, peer: peer.address, third: thirdAddress }),
      );
      seeded = new Map((await list()).messages.map((message) => [message.subject, message]));
    });

    /** A case of the matrix's row: counted as it passes or fails, or held to a known divergence. */
    function contractCase(row: MatrixRow, title: string, body: () => Promise<void>): void {
      const why = adapter.notApplicableCases?.[title];
      if (why !== undefined) {
        recordNotApplicable(name, row, title, why);
        it.skip(`${title} (n.a.: ${why})`, () => undefined);
        return;
      }
      const divergence = knownDivergence(name, title);
      if (divergence !== undefined) {
        it(`${title} [diverges: ${divergence.reason}]`, async () => {
          const error = await body().then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          // Passing now: the provider was fixed; remove the entry from KNOWN_DIVERGENCES.
          expect(error, `${name} no longer diverges on "${title}": remove it from KNOWN_DIVERGENCES`).toBeDefined();
          expect(String((error as Error).message)).toMatch(divergence.fails);
          recordDivergence(name, row, title, divergence.reason, divergence.at);
        });
        return;
      }
      it(title, async () => {
        try {
          await body();
        } catch (error) {
          recordFail(name, row);
          throw error;
        }
        recordPass(name, row);
      });
    }

    /** A failure mode's case, or its n.a. with the adapter's reason. */
    function failureCase(mode: FailureMode, title: string, body: (failing: ContractInbox) => Promise<void>): void {
      const why = adapter.notApplicable[mode];
      if (why !== undefined) {
        recordNotApplicable(name, "failure modes", title, why);
        it.skip(`${title} (n.a.: ${why})`, () => undefined);
        return;
      }
      contractCase("failure modes", title, async () => {
        const injected = await adapter.inject(mode, inbox);
        try {
          await body(injected.inbox);
        } finally {
          await injected.undo();
        }
      });
    }

    // ---- calls, as the MCP layer makes them: arguments validated with defaults applied -------------

    function args<T extends ToolName>(tool: T, input: Record<string, unknown>, on = inbox): ToolArgs[T] {
      const checked = inputValidators[tool]({ inbox_id: on.inboxId, ...input });
      if (!checked.ok) throw new Error(`bad test arguments: ${checked.problem.message}`);
      return checked.value as ToolArgs[T];
    }

    function valid<T extends ToolName>(tool: T, output: unknown): void {
      if (typeof output === "object" && output !== null && "isError" in output)
        throw new Error(`${tool} answered an error: ${JSON.stringify(output)}`);
      const completed =
        tool === "send_email" || tool === "reply_to_email" || tool === "send_draft"
          ? { ...(output as object), delivery_status: "accepted", idempotent_replay: false }
          : output;
      const check = outputValidators[tool](completed);
      expect(check.ok ? "valid" : check.problem, `${tool} output`).toBe("valid");
    }

    async function list(input: Record<string, unknown> = {}, on = inbox): Promise<ListInboxOutput> {
      const output = await on.provider.list_inbox(args("list_inbox", { limit: 100, ...input }, on), never);
      valid("list_inbox", output);
      return output as ListInboxOutput;
    }

    async function read(id: string, input: Record<string, unknown> = {}, on = inbox): Promise<ReadEmailOutput> {
      const output = await on.provider.read_email(args("read_email", { message_id: id, ...input }, on), never);
      valid("read_email", output);
      return output as ReadEmailOutput;
    }

    async function search(query: string, input: Record<string, unknown> = {}): Promise<SearchEmailsOutput> {
      const output = await inbox.provider.search_emails(args("search_emails", { query, limit: 100, ...input }), never);
      valid("search_emails", output);
      return output as SearchEmailsOutput;
    }

    async function send(input: Record<string, unknown>): Promise<SentMessage> {
      const output = await inbox.provider.send_email(args("send_email", { body: "Hello.", ...input }), never);
      valid("send_email", output);
      return output as SentMessage;
    }

    async function reply(messageId: string, input: Record<string, unknown> = {}): Promise<SentMessage> {
      const output = await inbox.provider.reply_to_email(
        args("reply_to_email", { message_id: messageId, body: "Thanks, see you then.", ...input }),
        never,
      );
      valid("reply_to_email", output);
      return output as SentMessage;
    }

    const subjects = (page: { messages: readonly MessageSummary[] }) => page.messages.map((message) => message.subject);

    function idOf(subject: string): string {
      const found = seeded.get(subject);
      if (found === undefined) throw new Error(`the fixture has no "${subject}" in INBOX`);
      return found.id;
    }

    /** Every message of a folder with this subject, after every send so far has landed. */
    async function landed(on: ContractInbox, subject: string, folder = "INBOX"): Promise<MessageSummary[]> {
      await adapter.settled();
      return (await list({ folder }, on)).messages.filter((message) => message.subject === subject);
    }

    /** Walks a listing or search from offset 0 by next_offset, checking each page's fields. */
    async function walk(
      page: (offset: number) => Promise<ListInboxOutput | SearchEmailsOutput>,
      limit: number,
    ): Promise<string[]> {
      const seen: string[] = [];
      let offset: number | null = 0;
      for (let pages = 0; offset !== null; pages++) {
        if (pages > 20) throw new Error("next_offset never became null");
        const current: ListInboxOutput | SearchEmailsOutput = await page(offset);
        expect(current.offset).toBe(offset);
        expect(current.limit).toBe(limit);
        expect(current.messages.length).toBeLessThanOrEqual(limit);
        if (current.next_offset !== null) {
          expect(current.messages.length, "a page with a next page is full").toBe(limit);
          expect(current.next_offset).toBe(offset + current.messages.length);
        }
        consistentTotal(current, offset);
        seen.push(...subjects(current));
        offset = current.next_offset;
      }
      return seen;
    }

    /** total is exact (total_is_estimate false), an estimate no smaller than what was seen, or null (then no estimate). */
    function consistentTotal(page: ListInboxOutput | SearchEmailsOutput, offset: number): void {
      const seenSoFar = offset + page.messages.length;
      if (page.total === null) expect(page.total_is_estimate).toBe(false);
      else if (page.total_is_estimate) expect(page.total).toBeGreaterThanOrEqual(seenSoFar);
      else if (page.next_offset === null) expect(page.total).toBe(seenSoFar);
      else expect(page.total).toBeGreaterThan(seenSoFar);
    }

    // ---- list_inbox ---------------------------------------------------------------------------------

    contractCase("list_inbox", "lists INBOX newest first, each message once, with its folder", async () => {
      const page = await list();
      expect(subjects(page)).toEqual([...INBOX_SUBJECTS]);
      expect(page.messages.every((message) => message.folder === "INBOX")).toBe(true);
      const dates = page.messages.map((message) => message.date);
      expect(dates).toEqual(dates.toSorted().reverse());
      expect(new Set(page.messages.map((message) => message.id)).size).toBe(INBOX_SUBJECTS.length);
      expect(page).toMatchObject({ offset: 0, limit: 100, next_offset: null });
      consistentTotal(page, 0);
    });

    contractCase("list_inbox", "gives each summary its addresses, dates, flags and attachment mark", async () => {
      const report = seeded.get("Quarterly report");
      expect(report).toMatchObject({
        from: ALICE,
        to: [{ address: inbox.address }],
        cc: [CAROL],
        rfc822_message_id: "<contract-report@example.org>",
        date: new Date(FIXTURE_START + DAY_MS).toISOString(),
        unread: false,
        has_attachments: true,
      });
      expect(report?.snippet).toContain("Grüße aus Köln");
      expect(seeded.get("Lunch on Friday")).toMatchObject({ unread: true, has_attachments: false });
    });

    contractCase(
      "list_inbox",
      "walks every message once by limit/offset, next_offset null on the last page",
      async () => {
        expect(await walk((offset) => list({ limit: 4, offset }), 4)).toEqual([...INBOX_SUBJECTS]);
        expect(await walk((offset) => list({ limit: 2, offset }), 2)).toEqual([...INBOX_SUBJECTS]);
        // An offset asked out of order (no page walked to it) gives the same page.
        expect(subjects(await list({ limit: 2, offset: 4 }))).toEqual(INBOX_SUBJECTS.slice(4, 6));
        expect(subjects(await list({ limit: 2, offset: 1 }))).toEqual(INBOX_SUBJECTS.slice(1, 3));
        const past = await list({ limit: 4, offset: 50 });
        expect(past.messages).toEqual([]);
        expect(past.next_offset).toBeNull();
      },
    );

    contractCase("list_inbox", "lists only unread messages with unread_only", async () => {
      const page = await list({ unread_only: true });
      expect(subjects(page)).toEqual([...UNREAD_SUBJECTS]);
      expect(page.messages.every((message) => message.unread)).toBe(true);
      consistentTotal(page, 0);
      expect(await walk((offset) => list({ unread_only: true, limit: 2, offset }), 2)).toEqual([...UNREAD_SUBJECTS]);
    });

    contractCase("list_inbox", "lists SENT, DRAFTS and TRASH, each message marked with its folder", async () => {
      const sent = await list({ folder: "SENT" });
      expect(subjects(sent)).toEqual([SENT_SUBJECT]);
      expect(sent.messages[0]).toMatchObject({ folder: "SENT", from: { address: inbox.address } });
      expect(await read(sent.messages[0]?.id ?? "")).toMatchObject({ folder: "SENT", subject: SENT_SUBJECT });
      for (const folder of ["DRAFTS", "TRASH"]) {
        const page = await list({ folder });
        expect(page.messages.every((message) => message.folder === folder)).toBe(true);
        expect(page.next_offset).toBeNull();
      }
    });

    contractCase("list_inbox", "never marks a message read, nor does a search", async () => {
      await list();
      await list({ unread_only: true, limit: 1 });
      await search("is:unread");
      await search("harbour");
      expect(subjects(await list({ unread_only: true }))).toEqual([...UNREAD_SUBJECTS]);
    });

    // ---- read_email ---------------------------------------------------------------------------------

    contractCase("read_email", "reads every field: addresses, reply-to, subject, date, non-ASCII body", async () => {
      const message = await read(idOf("Quarterly report"));
      expect(message).toMatchObject({
        id: idOf("Quarterly report"),
        folder: "INBOX",
        from: ALICE,
        to: [{ address: inbox.address }],
        cc: [CAROL],
        reply_to: [TEAM],
        subject: "Quarterly report",
        date: new Date(FIXTURE_START + DAY_MS).toISOString(),
        rfc822_message_id: "<contract-report@example.org>",
        in_reply_to: null,
        references: [],
        has_attachments: true,
      });
      expect(message.body_text).toContain("Grüße aus Köln — the Q3 figures are attached. Café ✓");
      expect(message.body_html ?? null).toBeNull();
      const unicode = await read(idOf("Ünïcödé ✓ Grüße"));
      expect(unicode.subject).toBe("Ünïcödé ✓ Grüße");
    });

    contractCase("read_email", "gives the sanitized HTML body with include_html", async () => {
      const message = await read(idOf("Quarterly report"), { include_html: true });
      expect(message.body_html).toContain("Grüße aus Köln");
      // Sanitized as the spec says: scripts, event handlers, javascript URLs and remote images removed.
      for (const removed of ["<script", "alert(1)", "onclick", "javascript:", "pixels.example"])
        expect(message.body_html).not.toContain(removed);
    });

    contractCase(
      "read_email",
      "gives the body as Markdown of the sanitized HTML with body_format markdown",
      async () => {
        const digest = await read(idOf("Weekly digest"), { body_format: "markdown" });
        expect(digest.body_text).toMatch(/^## Digest\n\nNothing new this \*\*week\*\*\.\n\n\* Archive\n\* Events/u);
        const report = (await read(idOf("Quarterly report"), { body_format: "markdown" })).body_text;
        expect(report).toContain("Grüße aus Köln");
        for (const removed of ["<script", "alert(1)", "onclick", "javascript:", "pixels.example"])
          expect(report).not.toContain(removed);
        // A message without HTML answers its text part.
        expect((await read(idOf("Lunch on Friday"), { body_format: "markdown" })).body_text.trim()).toBe(
          "Shall we meet at the harbour?",
        );
      },
    );

    contractCase(
      "read_email",
      "leaves the quoted earlier message out with strip_quoted, in text and Markdown",
      async () => {
        const id = idOf("Weekly digest");
        expect((await read(id)).body_text).toContain("the archive moved");
        for (const body_format of ["text", "markdown"]) {
          const stripped = (await read(id, { body_format, strip_quoted: true })).body_text;
          expect(stripped, body_format).toContain("Nothing new this");
          expect(stripped, body_format).not.toMatch(/archive moved|wrote:/u);
        }
      },
    );

    contractCase(
      "read_email",
      "describes attachments without their data, and with it on include_attachments",
      async () => {
        const without = await read(idOf("Quarterly report"));
        expect(without.attachments).toEqual([
          expect.objectContaining({
            filename: "report.pdf",
            mime_type: "application/pdf",
            size_bytes: REPORT_PDF.length,
          }),
        ]);
        expect(without.attachments[0]?.data ?? null).toBeNull();
        const withData = await read(idOf("Quarterly report"), { include_attachments: true });
        expect(Buffer.from(withData.attachments[0]?.data ?? "", "base64").toString()).toBe(REPORT_PDF);
      },
    );

    contractCase("read_email", "leaves the message unread unless mark_as_read, which marks it read", async () => {
      const lunch = idOf("Lunch on Friday");
      expect((await read(lunch)).unread).toBe(true);
      expect((await read(lunch, { mark_as_read: false })).unread).toBe(true);
      expect(subjects(await list({ unread_only: true }))).toContain("Lunch on Friday");
      await read(lunch, { mark_as_read: true });
      expect(subjects(await list({ unread_only: true }))).not.toContain("Lunch on Friday");
      expect((await read(lunch)).unread).toBe(false);
    });

    contractCase("read_email", "answers message_not_found for an id the inbox does not have", async () => {
      const unknown = adapter.unknownMessageId(inbox, idOf("Lunch on Friday"));
      const result = await inbox.provider.read_email(args("read_email", { message_id: unknown }), never);
      expect(result).toMatchObject({ isError: true, errorCode: "message_not_found" });
    });

    contractCase("read_email", "answers message_not_found for a malformed id", async () => {
      const result = await inbox.provider.read_email(args("read_email", { message_id: "not/an id%" }), never);
      expect(result).toMatchObject({ isError: true, errorCode: "message_not_found" });
    });

    // ---- search_emails ------------------------------------------------------------------------------

    contractCase("search_emails", "finds by from:, newest first", async () => {
      const found = await search(`from:${ALICE.address}`);
      expect(subjects(found)).toEqual(["Ünïcödé ✓ Grüße", "Quarterly report"]);
      // The same message has the same id whichever tool gave it, and that id reads it.
      expect(found.messages.map((message) => message.id)).toEqual([idOf("Ünïcödé ✓ Grüße"), idOf("Quarterly report")]);
      expect((await read(found.messages[1]?.id ?? "")).subject).toBe("Quarterly report");
      expect(found.syntax).toBe("portable");
      consistentTotal(found, 0);
    });

    contractCase("search_emails", "finds by subject:", async () => {
      expect(subjects(await search("subject:invoice"))).toEqual(["Invoice 42 overdue"]);
    });

    contractCase("search_emails", "finds by to: and by a non-ASCII subject term", async () => {
      expect(subjects(await search(`to:${thirdAddress}`))).toEqual(["Project kickoff"]);
      expect(subjects(await search("subject:Grüße"))).toEqual(["Ünïcödé ✓ Grüße"]);
    });

    contractCase("search_emails", "combines terms with OR and negates with -", async () => {
      expect(subjects(await search("subject:invoice OR subject:lunch"))).toEqual([
        "Invoice 42 overdue",
        "Lunch on Friday",
      ]);
      expect(subjects(await search(`from:${ALICE.address} -has:attachment`))).toEqual(["Ünïcödé ✓ Grüße"]);
    });

    contractCase("search_emails", "finds by after: and before: dates", async () => {
      expect(subjects(await search("after:2026/10/06"))).toEqual(["Project kickoff", "Weekly digest"]);
      expect(subjects(await search("before:2026/10/03"))).toEqual(["Quarterly report"]);
    });

    contractCase("search_emails", "finds a plain word in the body", async () => {
      expect(subjects(await search("overdue"))).toEqual(["Invoice 42 overdue"]);
      expect(subjects(await search("kickoff"))).toEqual(["Project kickoff"]);
    });

    contractCase("search_emails", "finds a quoted phrase, not the same words apart", async () => {
      expect(subjects(await search('"blue harbour lights"'))).toEqual(["Ünïcödé ✓ Grüße"]);
    });

    contractCase("search_emails", "finds by has:attachment and is:unread, terms combined with AND", async () => {
      expect(subjects(await search("has:attachment"))).toEqual(["Quarterly report"]);
      expect(subjects(await search(`is:unread from:${ALICE.address}`))).toEqual(["Ünïcödé ✓ Grüße"]);
    });

    contractCase("search_emails", "searches only include_folders, every folder without it", async () => {
      expect(subjects(await search("track", { include_folders: ["SENT"] }))).toEqual([SENT_SUBJECT]);
      expect(subjects(await search("track", { include_folders: ["INBOX"] }))).toEqual([]);
      const everywhere = await search("track");
      expect(subjects(everywhere)).toEqual([SENT_SUBJECT]);
      expect(everywhere.messages[0]?.folder).toBe("SENT");
    });

    contractCase("search_emails", "walks the results by limit/offset, next_offset null on the last page", async () => {
      const query = `from:${ALICE.address}`;
      expect(await walk((offset) => search(query, { limit: 1, offset }), 1)).toEqual([
        "Ünïcödé ✓ Grüße",
        "Quarterly report",
      ]);
      expect(subjects(await search(query, { limit: 1, offset: 1 }))).toEqual(["Quarterly report"]);
      expect(subjects(await search("harbour OR overdue OR digest", { limit: 2, offset: 1 }))).toEqual([
        "Ünïcödé ✓ Grüße",
        "Invoice 42 overdue",
      ]);
    });

    contractCase(
      "search_emails",
      "refuses a term outside the portable subset, and a folder the inbox has not, with ParameterError",
      async () => {
        await expect(
          inbox.provider.search_emails(args("search_emails", { query: "larger:5M" }), never),
        ).rejects.toThrow(ParameterError);
        const unknownFolder = args("search_emails", { query: "overdue", include_folders: ["No Such Folder"] });
        await expect(inbox.provider.search_emails(unknownFolder, never)).rejects.toThrow(ParameterError);
      },
    );

    // ---- send_email ---------------------------------------------------------------------------------

    contractCase(
      "send_email",
      "delivers to the recipient once, with its HTML and Reply-To, and files the message in SENT",
      async () => {
        const subject = `Contract send ${randomUUID().slice(0, 8)}`;
        const sent = await send({
          to: [peer.address],
          subject,
          body: "Grüße, peer.",
          html_body: "<p>Grüße, <b>peer</b>.</p>",
          reply_to: inbox.alias,
        });
        expect(sent.rfc822_message_id).toMatch(RFC822_MESSAGE_ID);
        const received = await landed(peer, subject);
        expect(received).toHaveLength(1);
        const copy = await read(received[0]?.id ?? "", { include_html: true }, peer);
        expect(copy).toMatchObject({
          from: { address: inbox.address },
          to: [{ address: peer.address }],
          reply_to: [{ address: inbox.alias }],
        });
        expect(copy.body_html).toContain("<b>peer</b>");
        expect(copy.rfc822_message_id).toBe(sent.rfc822_message_id);
        expect(copy.body_text).toContain("Grüße, peer.");
        const filed = await landed(inbox, subject, "SENT");
        expect(filed).toHaveLength(1);
        expect(filed[0]?.rfc822_message_id).toBe(sent.rfc822_message_id);
        if (sent.message_id !== null) expect(filed[0]?.id).toBe(sent.message_id);
      },
    );

    contractCase("send_email", "copies cc recipients and blind-copies bcc ones, whom no recipient sees", async () => {
      const copied = `Contract cc ${randomUUID().slice(0, 8)}`;
      await send({ to: [inbox.address], cc: [peer.address], subject: copied });
      const [toPeer, ...more] = await landed(peer, copied);
      expect(more).toEqual([]);
      expect(await read(toPeer?.id ?? "", {}, peer)).toMatchObject({
        to: [expect.objectContaining({ address: inbox.address })],
        cc: [expect.objectContaining({ address: peer.address })],
      });
      const blind = `Contract bcc ${randomUUID().slice(0, 8)}`;
      await send({ to: [peer.address], bcc: [inbox.address], subject: blind });
      expect(await landed(inbox, blind)).toHaveLength(1);
      const [seen] = await landed(peer, blind);
      const seenByPeer = await read(seen?.id ?? "", {}, peer);
      expect([...seenByPeer.to, ...seenByPeer.cc, ...seenByPeer.bcc].map((entry) => entry.address)).toEqual([
        peer.address,
      ]);
    });

    contractCase("send_email", "sends attachments the recipient can read back", async () => {
      const subject = `Contract attachment ${randomUUID().slice(0, 8)}`;
      const data = Buffer.from("col1,col2\n1,2\n").toString("base64");
      await send({
        to: [peer.address],
        subject,
        attachments: [{ filename: "figures.csv", mime_type: "text/csv", data }],
      });
      const [received] = await landed(peer, subject);
      expect(received?.has_attachments).toBe(true);
      const copy = await read(received?.id ?? "", { include_attachments: true }, peer);
      expect(copy.attachments).toEqual([expect.objectContaining({ filename: "figures.csv", data })]);
    });

    contractCase(
      "send_email",
      "answers invalid_recipient for a recipient or Reply-To that is no address, sending nothing",
      async () => {
        const subject = `Contract invalid ${randomUUID().slice(0, 8)}`;
        const result = await inbox.provider.send_email(
          args("send_email", { to: [peer.address, "not-an-address"], subject, body: "x" }),
          never,
        );
        expect(result).toMatchObject({ isError: true, errorCode: "invalid_recipient" });
        const badReplyTo = await inbox.provider.send_email(
          args("send_email", { to: [peer.address], reply_to: "nobody", subject, body: "x" }),
          never,
        );
        expect(badReplyTo).toMatchObject({ isError: true, errorCode: "invalid_recipient" });
        expect(await landed(peer, subject)).toEqual([]);
        expect(await landed(inbox, subject, "SENT")).toEqual([]);
      },
    );

    // ---- reply_to_email -----------------------------------------------------------------------------

    contractCase(
      "reply_to_email",
      "replies to the sender with Re:, In-Reply-To, References and the same thread",
      async () => {
        const original = seeded.get("Project kickoff");
        const sent = await reply(idOf("Project kickoff"));
        expect(sent.rfc822_message_id).toMatch(RFC822_MESSAGE_ID);
        const [received] = await landed(peer, "Re: Project kickoff");
        const copy = await read(received?.id ?? "", {}, peer);
        expect(copy).toMatchObject({
          subject: "Re: Project kickoff",
          in_reply_to: "<contract-kickoff@example.org>",
          references: ["<contract-kickoff@example.org>"],
          to: [expect.objectContaining({ address: peer.address })],
          cc: [],
        });
        if (third !== undefined) expect(await landed(third, "Re: Project kickoff")).toEqual([]);
        const [filed] = await landed(inbox, "Re: Project kickoff", "SENT");
        expect(filed?.thread_id).toBe(original?.thread_id);
        if (sent.thread_id !== null) expect(sent.thread_id).toBe(original?.thread_id);
      },
    );

    contractCase("reply_to_email", REPLY_ALL_CASE, async () => {
      await reply(idOf("Project kickoff"), { reply_all: true });
      expect(await landed(peer, "Re: Project kickoff")).toHaveLength(1);
      if (third === undefined) throw new Error("reply-all needs a third inbox: list the case in notApplicableCases");
      expect(await landed(third, "Re: Project kickoff")).toHaveLength(1);
      const [filed] = await landed(inbox, "Re: Project kickoff", "SENT");
      const recipients = [...(filed?.to ?? []), ...(filed?.cc ?? [])].map((entry) => entry.address.toLowerCase());
      expect(recipients.toSorted()).toEqual([peer.address, third.address].map((a) => a.toLowerCase()).toSorted());
      expect(await landed(inbox, "Re: Project kickoff")).toEqual([]);
    });

    contractCase(
      "reply_to_email",
      "answers message_not_found for an id the inbox does not have, sending nothing",
      async () => {
        const unknown = adapter.unknownMessageId(inbox, idOf("Project kickoff"));
        const result = await inbox.provider.reply_to_email(
          args("reply_to_email", { message_id: unknown, body: "x" }),
          never,
        );
        expect(result).toMatchObject({ isError: true, errorCode: "message_not_found" });
        expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
      },
    );

    // ---- list_folders -------------------------------------------------------------------------------

    async function folders(): Promise<ListFoldersOutput> {
      const output = await inbox.provider.list_folders(args("list_folders", {}), never);
      valid("list_folders", output);
      return output as ListFoldersOutput;
    }

    contractCase("list_folders", "lists the standard folders first, each once, INBOX with its counts", async () => {
      const { folders: listed, truncated } = await folders();
      expect(truncated).toBe(false);
      expect(new Set(listed.map((folder) => folder.id)).size).toBe(listed.length);
      const standard = listed.filter((folder) => folder.kind !== "other");
      expect(standard.map((folder) => folder.id)).toEqual(standard.map((folder) => folder.kind));
      expect(listed.slice(0, standard.length)).toEqual(standard);
      expect(standard.map((folder) => folder.kind)).toEqual(
        ["INBOX", "SENT", "DRAFTS", "TRASH"].filter((kind) => standard.some((folder) => folder.kind === kind)),
      );
      expect(standard.map((folder) => folder.kind)).toEqual(expect.arrayContaining(["INBOX", "SENT"]));
      const inboxFolder = listed[0]!;
      if (inboxFolder.total !== null) expect(inboxFolder.total).toBe(INBOX_SUBJECTS.length);
      if (inboxFolder.unread !== null) expect(inboxFolder.unread).toBe(UNREAD_SUBJECTS.length);
    });

    contractCase("list_folders", "gives ids that list_inbox's folder and include_folders take", async () => {
      for (const folder of (await folders()).folders) {
        const page = await list({ folder: folder.id });
        for (const message of page.messages) expect(message.folder, `a message listed in ${folder.id}`).toBe(folder.id);
        if (folder.total !== null && page.total !== null && !page.total_is_estimate)
          expect(page.total).toBe(folder.total);
        const found = await search("report", { include_folders: [folder.id] });
        for (const message of found.messages) expect(message.folder).toBe(folder.id);
      }
      expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
    });

    contractCase("list_folders", "refuses a folder id the inbox does not have with -32602, naming folder", async () => {
      const refused = await inbox.provider
        .list_inbox(args("list_inbox", { folder: "No such folder 7f3a" }), never)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(ParameterError);
      expect((refused as ParameterError).parameter).toBe("folder");
    });

    // ---- get_thread ---------------------------------------------------------------------------------

    async function thread(threadId: string, input: Record<string, unknown> = {}): Promise<GetThreadOutput> {
      const output = await inbox.provider.get_thread(args("get_thread", { thread_id: threadId, ...input }), never);
      valid("get_thread", output);
      return output as GetThreadOutput;
    }

    contractCase(
      "get_thread",
      "gives a thread's messages oldest first, in INBOX and SENT, each as read_email reads it",
      async () => {
        const kickoff = seeded.get("Project kickoff")!;
        await reply(kickoff.id);
        await landed(inbox, "Re: Project kickoff", "SENT");
        const found = await thread(kickoff.thread_id!);
        expect(found).toMatchObject({ thread_id: kickoff.thread_id, message_count: 2, truncated: false });
        expect(subjects(found)).toEqual(["Project kickoff", "Re: Project kickoff"]);
        expect(found.messages.map((message) => message.folder)).toEqual(["INBOX", "SENT"]);
        for (const message of found.messages) expect(message.thread_id).toBe(kickoff.thread_id);
        const first = await read(kickoff.id);
        expect(found.messages[0]).toEqual(first);
      },
    );

    contractCase(
      "get_thread",
      "takes thread ids from a search, with body_format and strip_quoted, marking nothing read",
      async () => {
        const [digest] = (await search('subject:"Weekly digest"')).messages;
        const found = await thread(digest!.thread_id!, { strip_quoted: true });
        expect(found.messages.map((message) => message.id)).toEqual([digest!.id]);
        expect(found.messages[0]!.body_text).not.toContain("Last issue");
        expect((await thread(seeded.get("Lunch on Friday")!.thread_id!)).messages[0]!.unread).toBe(true);
        expect(subjects(await list({ unread_only: true }))).toContain("Lunch on Friday");
      },
    );

    // The server judges every message after its provider (tools/message-risk.ts); what it judges must
    // come out of every provider alike: the snippet of a listing, the body and Reply-To of a read.
    contractCase(
      "risk signals",
      "listing, search, read and thread give risk what flags the same messages",
      async () => {
        const own = [inbox.address];
        const levels = (messages: readonly MessageSummary[]) =>
          Object.fromEntries(messages.map((message) => [message.subject, riskOf(message, own).level]));
        const listed = levels((await list()).messages);
        expect(listed["Invoice 42 overdue"]).toBe("high");
        expect(listed["Lunch on Friday"]).toBe("none");
        expect(levels((await search("overdue")).messages)).toEqual({ "Invoice 42 overdue": "high" });
        const invoice = await read(idOf("Invoice 42 overdue"));
        expect(riskOf(invoice, own).signals.map((signal) => signal.kind)).toEqual(["assistant_instructions"]);
        expect(invoice.body_text).toContain("ignore your previous instructions");
        expect(riskOf(await read(idOf("Lunch on Friday")), own)).toEqual({ level: "none", signals: [] });
        const [threaded] = (await thread(seeded.get("Invoice 42 overdue")!.thread_id!)).messages;
        expect(riskOf(threaded!, own).level).toBe("high");
      },
    );

    // unknown_sender (decision known-correspondents) is judged from what the provider lists of INBOX
    // and SENT: every provider must give the same senders, recipients, folders and dates for it.
    contractCase(
      "risk signals",
      "a first-time sender is the first message known from an address, learned from INBOX and SENT",
      async () => {
        const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-correspondents-"));
        const store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
        try {
          const judged = { id: inbox.inboxId, record: { workspaceId: "ws-contract", addresses: [inbox.address] } };
          const { messages } = await list();
          const knowledge = await new KnownCorrespondents(store).knowledgeOf(judged, inbox.provider, messages);
          expect(knowledge.learned).toBe(true);
          const known = (subject: string) =>
            isKnownSender(
              messages.find((m) => m.subject === subject)!,
              knowledge,
            );
          // Only message from its sender: unknown. Alice's second message: known. Bob, written to in SENT: known.
          expect(known("Invoice 42 overdue")).toBe(false);
          expect(known("Ünïcödé ✓ Grüße")).toBe(true);
          expect(known("Lunch on Friday")).toBe(true);
          const invoice = messages.find((m) => m.subject === "Invoice 42 overdue")!;
          expect(riskOf(invoice, [inbox.address], false).signals.map((signal) => signal.kind)).toEqual([
            "assistant_instructions",
            "unknown_sender",
          ]);
        } finally {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    );

    contractCase("get_thread", "answers thread_not_found for a thread id the inbox does not have", async () => {
      const known = seeded.get("Invoice 42 overdue")!.thread_id!;
      for (const unknown of [[...known].reverse().join(""), "not/a thread%"]) {
        if (unknown === known) continue;
        const result = await inbox.provider.get_thread(args("get_thread", { thread_id: unknown }), never);
        expect(result, unknown).toMatchObject({ isError: true, errorCode: "thread_not_found" });
      }
    });

    // ---- get_attachment -----------------------------------------------------------------------------

    contractCase("get_attachment", "gives an attachment's bytes with the metadata read_email gave", async () => {
      const report = idOf("Quarterly report");
      const [described] = (await read(report)).attachments;
      const output = await inbox.provider.get_attachment(
        args("get_attachment", { message_id: report, attachment_id: described!.attachment_id }),
        never,
      );
      valid("get_attachment", output);
      const { data, ...metadata } = output as GetAttachmentOutput;
      expect(Buffer.from(data, "base64").toString()).toBe(REPORT_PDF);
      expect(metadata).toEqual(described);
    });

    contractCase(
      "get_attachment",
      "answers attachment_not_found for an id the message does not have, message_not_found for a message",
      async () => {
        const lunch = idOf("Lunch on Friday");
        const none = await inbox.provider.get_attachment(
          args("get_attachment", { message_id: lunch, attachment_id: "2" }),
          never,
        );
        expect(none).toMatchObject({ isError: true, errorCode: "attachment_not_found" });
        const unknown = adapter.unknownMessageId(inbox, idOf("Quarterly report"));
        const gone = await inbox.provider.get_attachment(
          args("get_attachment", { message_id: unknown, attachment_id: "2" }),
          never,
        );
        expect(gone).toMatchObject({ isError: true, errorCode: "message_not_found" });
      },
    );

    // ---- drafts -------------------------------------------------------------------------------------

    async function draft<T extends "create_draft" | "update_draft">(
      tool: T,
      input: Record<string, unknown>,
    ): Promise<Draft> {
      const output = await inbox.provider[tool](args(tool, input) as never, never);
      valid(tool, output);
      return output as Draft;
    }

    async function drafts(subject: string): Promise<MessageSummary[]> {
      return (await list({ folder: "DRAFTS" })).messages.filter((message) => message.subject === subject);
    }

    const NOTE = { filename: "note.txt", mime_type: "text/plain", data: Buffer.from("draft note").toString("base64") };

    contractCase(
      "create_draft",
      "saves a draft in DRAFTS, Bcc kept, that read_email reads, sending nothing",
      async () => {
        const saved = await draft("create_draft", {
          to: [peer.address],
          bcc: [thirdAddress],
          subject: "Draft plan",
          body: "The plan, for you to check.",
          attachments: [NOTE],
        });
        expect(saved).toMatchObject({
          subject: "Draft plan",
          to: [expect.objectContaining({ address: peer.address })],
          bcc: [expect.objectContaining({ address: thirdAddress })],
          in_reply_to: null,
          attachment_count: 1,
        });
        expect(saved.rfc822_message_id).toMatch(RFC822_MESSAGE_ID);
        const [listed] = await drafts("Draft plan");
        if (saved.message_id !== null) expect(listed?.id).toBe(saved.message_id);
        const copy = await read(listed!.id);
        expect(copy.body_text).toContain("The plan, for you to check.");
        expect(copy.bcc.map((entry) => entry.address)).toEqual([thirdAddress]);
        expect(copy.attachments.map((attachment) => attachment.filename)).toEqual(["note.txt"]);
        expect(await landed(peer, "Draft plan")).toEqual([]);
        expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
      },
    );

    contractCase(
      "create_draft",
      "makes a reply draft as reply_to_email would: Re:, recipients, threading",
      async () => {
        const kickoff = seeded.get("Project kickoff")!;
        const saved = await draft("create_draft", { message_id: kickoff.id, reply_all: true, body: "Count me in." });
        expect(saved).toMatchObject({
          subject: "Re: Project kickoff",
          to: [expect.objectContaining({ address: peer.address })],
          in_reply_to: "<contract-kickoff@example.org>",
        });
        expect(saved.cc.map((entry) => entry.address.toLowerCase())).toEqual([thirdAddress.toLowerCase()]);
        if (saved.thread_id !== null && kickoff.thread_id !== null) expect(saved.thread_id).toBe(kickoff.thread_id);
        const [listed] = await drafts("Re: Project kickoff");
        expect((await read(listed!.id)).references).toEqual(["<contract-kickoff@example.org>"]);
      },
    );

    contractCase("create_draft", "refuses a bad recipient and an unknown original, saving nothing", async () => {
      const bad = await inbox.provider.create_draft(args("create_draft", { to: ["not an address"], body: "x" }), never);
      expect(bad).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "to[0]" });
      const unknown = adapter.unknownMessageId(inbox, idOf("Lunch on Friday"));
      const gone = await inbox.provider.create_draft(args("create_draft", { message_id: unknown, body: "x" }), never);
      expect(gone).toMatchObject({ isError: true, errorCode: "message_not_found" });
      expect((await list({ folder: "DRAFTS" })).messages).toEqual([]);
    });

    contractCase(
      "update_draft",
      "replaces the fields given, keeps the others, and answers the current draft_id",
      async () => {
        const first = await draft("create_draft", {
          to: [peer.address],
          subject: "Draft v1",
          body: "First words.",
          attachments: [NOTE],
        });
        const updated = await draft("update_draft", {
          draft_id: first.draft_id,
          subject: "Draft v2",
          cc: [thirdAddress],
        });
        expect(updated).toMatchObject({
          subject: "Draft v2",
          to: [expect.objectContaining({ address: peer.address })],
          cc: [expect.objectContaining({ address: thirdAddress })],
          attachment_count: 1,
        });
        expect(await drafts("Draft v1")).toEqual([]);
        const [listed] = await drafts("Draft v2");
        const copy = await read(listed!.id);
        expect(copy.body_text).toContain("First words.");
        expect(copy.attachments).toHaveLength(1);
        const again = await draft("update_draft", {
          draft_id: updated.draft_id,
          body: "Second words.",
          attachments: [],
        });
        expect(again).toMatchObject({ subject: "Draft v2", attachment_count: 0 });
        const [latest] = await drafts("Draft v2");
        expect((await read(latest!.id)).body_text).toContain("Second words.");
        expect(await drafts("Draft v2")).toHaveLength(1);
      },
    );

    contractCase("update_draft", "answers draft_not_found for a draft the inbox does not have", async () => {
      const saved = await draft("create_draft", { subject: "Short-lived", body: "x" });
      await inbox.provider.delete_draft(args("delete_draft", { draft_id: saved.draft_id }), never);
      const result = await inbox.provider.update_draft(
        args("update_draft", { draft_id: saved.draft_id, subject: "Back?" }),
        never,
      );
      expect(result).toMatchObject({ isError: true, errorCode: "draft_not_found" });
      expect(await drafts("Back?")).toEqual([]);
    });

    contractCase("delete_draft", "deletes a draft once; a second time is draft_not_found", async () => {
      const saved = await draft("create_draft", { to: [peer.address], subject: "To delete", body: "x" });
      const deleted = await inbox.provider.delete_draft(args("delete_draft", { draft_id: saved.draft_id }), never);
      valid("delete_draft", deleted);
      expect(deleted).toEqual({ draft_id: saved.draft_id, deleted: true });
      expect(await drafts("To delete")).toEqual([]);
      const again = await inbox.provider.delete_draft(args("delete_draft", { draft_id: saved.draft_id }), never);
      expect(again).toMatchObject({ isError: true, errorCode: "draft_not_found" });
      expect(await landed(peer, "To delete")).toEqual([]);
    });

    contractCase("send_draft", "sends the draft as stored, files it in SENT and takes it out of DRAFTS", async () => {
      const saved = await draft("create_draft", {
        to: [peer.address],
        subject: "Draft to send",
        body: "Checked and sent.",
        attachments: [NOTE],
      });
      const output = await inbox.provider.send_draft(args("send_draft", { draft_id: saved.draft_id }), never);
      valid("send_draft", output);
      expect((output as SentMessage).rfc822_message_id).toMatch(RFC822_MESSAGE_ID);
      const [received] = await landed(peer, "Draft to send");
      const copy = await read(received!.id, {}, peer);
      expect(copy.body_text).toContain("Checked and sent.");
      expect(copy.attachments.map((attachment) => attachment.filename)).toEqual(["note.txt"]);
      expect(await landed(inbox, "Draft to send", "SENT")).toHaveLength(1);
      expect(await drafts("Draft to send")).toEqual([]);
    });

    contractCase("send_draft", "refuses a draft without recipient and a draft gone, sending nothing", async () => {
      const saved = await draft("create_draft", { subject: "Nobody yet", body: "x" });
      const refused = await inbox.provider.send_draft(args("send_draft", { draft_id: saved.draft_id }), never);
      expect(refused).toMatchObject({ isError: true, errorCode: "draft_not_sendable", reason: "it has no recipient" });
      expect(await drafts("Nobody yet")).toHaveLength(1);
      await inbox.provider.delete_draft(args("delete_draft", { draft_id: saved.draft_id }), never);
      const gone = await inbox.provider.send_draft(args("send_draft", { draft_id: saved.draft_id }), never);
      expect(gone).toMatchObject({ isError: true, errorCode: "draft_not_found" });
      expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
    });

    // ---- send policy --------------------------------------------------------------------------------

    // Every send path hands the policy's check the message as it would leave (send-policy/): a
    // reply's recipients from the original, a draft as stored. A refusal sends nothing and keeps the draft.
    function policyCheck(policy: Record<string, unknown>): { check: OutgoingCheck; seen: OutgoingMessage[] } {
      const parsed = parseSendPolicy(policy);
      if (!parsed.ok) throw new Error(parsed.problem);
      const seen: OutgoingMessage[] = [];
      const check: OutgoingCheck = (outgoing) => {
        seen.push(outgoing);
        return checkOutgoing(parsed.policy, outgoing, [inbox.address, inbox.alias]);
      };
      return { check, seen };
    }
    const addressesOf = (outgoing: OutgoingMessage | undefined) =>
      [...(outgoing?.to ?? []), ...(outgoing?.cc ?? []), ...(outgoing?.bcc ?? [])].map((entry) =>
        entry.address.toLowerCase(),
      );

    contractCase(
      "send policy",
      "send_email: a blocked recipient refuses the message, and nothing is sent",
      async () => {
        const subject = `Contract blocked ${randomUUID().slice(0, 8)}`;
        const { check, seen } = policyCheck({ blockRecipients: [peer.address.toUpperCase()] });
        const output = await inbox.provider.send_email(
          args("send_email", { to: [inbox.address], cc: [peer.address], subject, body: "x" }),
          never,
          check,
        );
        expect(output).toMatchObject({ isError: true, errorCode: "send_policy_refused", rule: "recipient_blocked" });
        expect(addressesOf(seen[0])).toEqual([inbox.address, peer.address].map((a) => a.toLowerCase()));
        expect(await landed(peer, subject)).toEqual([]);
        expect(await landed(inbox, subject)).toEqual([]);
        expect(await landed(inbox, subject, "SENT")).toEqual([]);
      },
    );

    contractCase("send policy", "send_email: a message the policy allows is sent as usual", async () => {
      const subject = `Contract allowed ${randomUUID().slice(0, 8)}`;
      const domain = peer.address.slice(peer.address.lastIndexOf("@") + 1);
      const { check, seen } = policyCheck({ allowRecipients: [domain], maxRecipients: 1, noAttachments: true });
      const output = await inbox.provider.send_email(
        args("send_email", { to: [peer.address], subject, body: "x" }),
        never,
        check,
      );
      valid("send_email", output);
      expect(seen).toHaveLength(1);
      expect(await landed(peer, subject)).toHaveLength(1);
    });

    contractCase(
      "send policy",
      "reply_to_email: the policy judges the recipients taken from the original, and a refusal sends nothing",
      async () => {
        const original = await read(idOf("Project kickoff"));
        const { check, seen } = policyCheck({ allowRecipients: ["nobody.example"] });
        const output = await inbox.provider.reply_to_email(
          args("reply_to_email", { message_id: original.id, body: "Thanks." }),
          never,
          check,
        );
        expect(output).toMatchObject({
          isError: true,
          errorCode: "send_policy_refused",
          rule: "recipient_not_allowed",
        });
        expect(addressesOf(seen[0])).toEqual([(original.reply_to[0] ?? original.from)!.address.toLowerCase()]);
        expect(seen[0]?.subject).toBe("Re: Project kickoff");
        expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
      },
    );

    contractCase(
      "send policy",
      "send_draft: the draft as stored is judged; refused, it stays in DRAFTS unsent",
      async () => {
        const saved = await draft("create_draft", {
          to: [peer.address],
          subject: "Draft under policy",
          body: "See https://files.evil.test/report for the figures.",
          attachments: [NOTE],
        });
        for (const [policy, rule] of [
          [{ noAttachments: true }, "attachments_not_allowed"],
          [{ noExternalLinks: true }, "external_link"],
          [{ blockedPhrases: ["THE   figures"] }, "blocked_phrase"],
        ] as const) {
          const { check, seen } = policyCheck(policy);
          const output = await inbox.provider.send_draft(
            args("send_draft", { draft_id: saved.draft_id }),
            never,
            check,
          );
          expect(output, rule).toMatchObject({ isError: true, errorCode: "send_policy_refused", rule });
          expect(addressesOf(seen[0])).toEqual([peer.address.toLowerCase()]);
        }
        expect(await drafts("Draft under policy")).toHaveLength(1);
        expect(await landed(peer, "Draft under policy")).toEqual([]);
        expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
      },
    );

    // ---- approval hold --------------------------------------------------------------------------------

    // A send held for approval or an undo window (send-approval/hold-for-approval.ts) stops the provider
    // with a refusal only that call holds: every send path must hand that very object back, having
    // prepared the message as it would leave and handed nothing over. Approval later sends it as usual.
    function holdingCheck(): {
      check: OutgoingCheck;
      held: ReturnType<typeof sendPolicyRefused>;
      seen: OutgoingMessage[];
    } {
      const held = sendPolicyRefused({ rule: "recipient_blocked", detail: "held for approval" });
      const seen: OutgoingMessage[] = [];
      return {
        held,
        seen,
        check: (outgoing) => {
          seen.push(outgoing);
          return held;
        },
      };
    }

    contractCase(
      "approval hold",
      "send_email: the check's hold comes back unchanged, and nothing is sent",
      async () => {
        const subject = `Contract held ${randomUUID().slice(0, 8)}`;
        const { check, held, seen } = holdingCheck();
        const output = await inbox.provider.send_email(
          args("send_email", { to: [peer.address], subject, body: "Waits for a person." }),
          never,
          check,
        );
        expect(output).toBe(held);
        expect(addressesOf(seen[0])).toEqual([peer.address.toLowerCase()]);
        expect(await landed(peer, subject)).toEqual([]);
        expect(await landed(inbox, subject, "SENT")).toEqual([]);
      },
    );

    contractCase(
      "approval hold",
      "reply_to_email and send_draft: the hold comes back unchanged; nothing is sent and the draft stays",
      async () => {
        const original = await read(idOf("Project kickoff"));
        const reply = holdingCheck();
        expect(
          await inbox.provider.reply_to_email(
            args("reply_to_email", { message_id: original.id, body: "Held reply." }),
            never,
            reply.check,
          ),
        ).toBe(reply.held);
        expect(reply.seen[0]?.subject).toBe("Re: Project kickoff");
        const saved = await draft("create_draft", { to: [peer.address], subject: "Held draft", body: "x" });
        const sent = holdingCheck();
        expect(
          await inbox.provider.send_draft(args("send_draft", { draft_id: saved.draft_id }), never, sent.check),
        ).toBe(sent.held);
        expect(addressesOf(sent.seen[0])).toEqual([peer.address.toLowerCase()]);
        expect(await drafts("Held draft")).toHaveLength(1);
        expect(await landed(peer, "Held draft")).toEqual([]);
        expect(subjects(await list({ folder: "SENT" }))).toEqual([SENT_SUBJECT]);
      },
    );

    // ---- the caller's abort -------------------------------------------------------------------------

    contractCase("abort signal", "a list_inbox whose caller has gone does not resolve normally", async () => {
      await expect(inbox.provider.list_inbox(args("list_inbox", {}), AbortSignal.abort())).rejects.toBeDefined();
    });

    contractCase("abort signal", "a read_email whose caller has gone does not resolve normally", async () => {
      const call = inbox.provider.read_email(
        args("read_email", { message_id: idOf("Lunch on Friday") }),
        AbortSignal.abort(),
      );
      await expect(call).rejects.toBeDefined();
    });

    contractCase("abort signal", "a search_emails aborted while it runs does not resolve normally", async () => {
      const caller = new AbortController();
      const call = inbox.provider.search_emails(args("search_emails", { query: "overdue" }), caller.signal);
      caller.abort();
      await expect(call).rejects.toBeDefined();
    });

    contractCase("abort signal", "a send whose caller has gone before it began sends nothing", async () => {
      const subject = `Contract abandoned ${randomUUID().slice(0, 8)}`;
      const call = inbox.provider.send_email(
        args("send_email", { to: [peer.address], subject, body: "x" }),
        AbortSignal.abort(),
      );
      await expect(call).rejects.toBeDefined();
      expect(await landed(peer, subject)).toEqual([]);
      expect(await landed(inbox, subject, "SENT")).toEqual([]);
    });

    // ---- the service's failures ---------------------------------------------------------------------

    failureCase("auth", "auth_failed when the credentials were revoked", async (failing) => {
      // At once: a server may hold each refused login for seconds (Courier waits 5 s).
      const [listed, opened, sent] = await Promise.all([
        failing.provider.list_inbox(args("list_inbox", {}, failing), never),
        // Credentials come first: a message id the service was never asked about is not "not found".
        failing.provider.read_email(args("read_email", { message_id: idOf("Lunch on Friday") }, failing), never),
        failing.provider.send_email(
          args("send_email", { to: [peer.address], subject: "Never sent", body: "x" }, failing),
          never,
        ),
      ]);
      for (const result of [listed, opened, sent])
        expect(result).toMatchObject({ isError: true, errorCode: "auth_failed" });
    });

    failureCase("unavailable", "provider_error, never a success, when the service fails a send", async (failing) => {
      const subject = `Contract unavailable ${randomUUID().slice(0, 8)}`;
      const result = await failing.provider.send_email(
        args("send_email", { to: [peer.address], subject, body: "x" }, failing),
        never,
      );
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
      expect(JSON.stringify(result)).toMatch(/nothing was sent|may have sent/iu);
    });

    failureCase("throttled", "provider_error with retryAfter when the service throttles", async (failing) => {
      const result = await failing.provider.list_inbox(args("list_inbox", {}, failing), never);
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error", retryAfter: expect.any(Number) });
    });

    failureCase("slow_search", "search_timeout when the search outlasts the spec's deadline", async (failing) => {
      const deadline = LIMITS.search_timeout_seconds * 1000;
      const realSetTimeout = globalThis.setTimeout as (handler: () => void, ms?: number, ...rest: unknown[]) => unknown;
      // The deadline's own timer (a setTimeout or an AbortSignal.timeout) is shortened; every other keeps its time.
      const shortened = vi
        .spyOn(globalThis, "setTimeout")
        .mockImplementation(((handler: () => void, ms?: number, ...rest: unknown[]) =>
          realSetTimeout(handler, ms === deadline ? SHORT_SEARCH_DEADLINE_MS : ms, ...rest)) as never);
      const realTimeoutSignal = AbortSignal.timeout.bind(AbortSignal);
      const shortenedSignal = vi
        .spyOn(AbortSignal, "timeout")
        .mockImplementation((ms) => realTimeoutSignal(ms === deadline ? SHORT_SEARCH_DEADLINE_MS : ms));
      try {
        const started = Date.now();
        const result = await failing.provider.search_emails(
          args("search_emails", { query: "overdue" }, failing),
          never,
        );
        expect(result).toMatchObject({ isError: true, errorCode: "search_timeout" });
        expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        shortened.mockRestore();
        shortenedSignal.mockRestore();
      }
    });
  });
}

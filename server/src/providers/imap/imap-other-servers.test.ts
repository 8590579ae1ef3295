// The IMAP provider's tools against IMAP servers other than Dovecot, each from Debian with its
// default configuration (scripts/imap-servers/): Courier-IMAP (no SPECIAL-USE, CONDSTORE, ESEARCH
// or BINARY) and Cyrus IMAP (strict about bare newlines); both keep folders under "INBOX." with a
// "." separator. Each server's users have no Sent folder until a client makes one, as a mail client
// without SPECIAL-USE would: here "INBOX.Sent".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  GetAttachmentOutput,
  GetThreadOutput,
  ListFoldersOutput,
  ListInboxOutput,
  ReadEmailOutput,
  SearchEmailsOutput,
  SendEmailArgs,
  SendResult,
} from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import { LOOPBACK_MAIL_NETWORK } from "../../../test/support/dovecot-rig.js";
import {
  addressOf,
  appendOtherImapMessages,
  emptyOtherImapMailbox,
  openOtherImapClient,
  OTHER_IMAP_SERVERS,
  otherImapRig,
  otherImapSettings,
  startAppendingSmtp,
  type AppendingSmtp,
  type OtherImapRig,
} from "../../../test/support/other-imap-rig.js";
import type { ClosableProvider } from "../provider.js";
import { isRefusedCharset } from "./imap-errors.js";
import { createImapProvider } from "./imap-provider.js";

const signal = new AbortController().signal;
/** imapflow's untyped raw command, to send what its search() never would. */
type RawExec = (command: string, attributes: Array<{ type: "ATOM"; value: string }>) => Promise<unknown>;
const atoms = (...values: string[]) => values.map((value) => ({ type: "ATOM" as const, value }));
const INBOX_ID = "5b0b2d0e-7a51-4d8e-9c0f-1f7b3a9e2c11";

function inboxOf(address: string): InboxRecord {
  return {
    id: INBOX_ID,
    workspaceId: "w",
    mode: "live",
    kind: "imap",
    addresses: [address],
    secret: null,
  } as unknown as InboxRecord;
}

function rawMessage(fields: { from: string; to: string; subject: string; body: string; messageId: string }): string {
  return [
    `From: ${fields.from}`,
    `To: ${fields.to}`,
    `Subject: ${fields.subject}`,
    `Message-ID: ${fields.messageId}`,
    "Date: Thu, 03 Dec 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    fields.body,
    "",
  ].join("\r\n");
}

const list = (folder: "INBOX" | "SENT" = "INBOX", unread_only = false) =>
  ({ inbox_id: INBOX_ID, limit: 20, offset: 0, folder, unread_only }) as const;
const read = (message_id: string, mark_as_read = false) =>
  ({
    inbox_id: INBOX_ID,
    message_id,
    include_html: false,
    include_attachments: false,
    mark_as_read,
    body_format: "text",
    strip_quoted: false,
  }) as const;
const search = (query: string) => ({ inbox_id: INBOX_ID, query, syntax: "portable", limit: 20, offset: 0 }) as const;
const send = (to: string, subject: string, body: string): SendEmailArgs => ({
  inbox_id: INBOX_ID,
  to: [to],
  subject,
  body,
  cc: [],
  bcc: [],
  attachments: [],
});

for (const server of OTHER_IMAP_SERVERS) {
  const rig = otherImapRig(server);
  const describeWithRig = rig === undefined ? describe.skip : describe;
  if (rig === undefined)
    console.warn(
      `imap-other-servers.test.ts: ${server} skipped (run \`bash scripts/imap-servers/${server}.sh start\` and export its lines, or run through scripts/test.sh)`,
    );

  describeWithRig(`the IMAP provider against ${server}`, () => {
    const pool = { maxConnectionsPerInbox: 2, idleCloseMs: 30_000 };
    let smtp: AppendingSmtp;
    let alice: ClosableProvider;
    let bob: ClosableProvider;
    let on: OtherImapRig;
    const notFiled: Array<{ inboxId: string; reason: string }> = [];

    beforeAll(async () => {
      if (rig === undefined) return;
      on = rig;
      const [aliceUser, bobUser] = rig.users;
      if (aliceUser === undefined || bobUser === undefined) throw new Error(`the ${server} rig needs two users`);
      await emptyOtherImapMailbox(rig, aliceUser);
      await emptyOtherImapMailbox(rig, bobUser);
      await appendOtherImapMessages(rig, aliceUser, "INBOX", [
        {
          raw: rawMessage({
            from: "Carol <carol@example.test>",
            to: addressOf(rig, aliceUser),
            subject: "Quarterly report",
            body: "The numbers are in.",
            messageId: "<report@example.test>",
          }),
          seen: true,
        },
        {
          raw: rawMessage({
            from: "Dan <dan@example.test>",
            to: addressOf(rig, aliceUser),
            // Non-ASCII in a header as RFC 2047 has it: Cyrus turns raw 8-bit header bytes into "X".
            subject: "=?UTF-8?Q?Caf=C3=A9_=C3=A0_midi?=",
            body: "On se retrouve au café ?",
            messageId: "<cafe@example.test>",
          }),
        },
      ]);
      smtp = await startAppendingSmtp(rig);
      alice = createImapProvider({
        inbox: inboxOf(addressOf(rig, aliceUser)),
        settings: otherImapSettings(rig, aliceUser, smtp.port),
        pool,
        network: LOOPBACK_MAIL_NETWORK,
        onSentCopyNotFiled: (event) => notFiled.push(event),
      });
      bob = createImapProvider({
        inbox: inboxOf(addressOf(rig, bobUser)),
        settings: otherImapSettings(rig, bobUser, smtp.port),
        pool,
        network: LOOPBACK_MAIL_NETWORK,
      });
    }, 60_000);
    afterAll(async () => {
      await alice?.close();
      await bob?.close();
      await smtp?.close();
    });

    it("list_inbox lists INBOX newest first, and only the unread one with unread_only", async () => {
      const all = (await alice.list_inbox(list(), signal)) as ListInboxOutput;
      expect(all.messages.map((message) => message.subject)).toEqual(["Café à midi", "Quarterly report"]);
      expect(all.total).toBe(2);
      const unread = (await alice.list_inbox(list("INBOX", true), signal)) as ListInboxOutput;
      expect(unread.messages.map((message) => message.subject)).toEqual(["Café à midi"]);
    });

    it("read_email reads a message with its non-ASCII text and marks it read only when asked", async () => {
      const [newest] = ((await alice.list_inbox(list(), signal)) as ListInboxOutput).messages;
      const message = (await alice.read_email(read(newest?.id ?? ""), signal)) as ReadEmailOutput;
      expect(message.body_text).toContain("On se retrouve au café ?");
      expect(message.unread).toBe(true);
      await alice.read_email(read(newest?.id ?? "", true), signal);
      const after = (await alice.list_inbox(list("INBOX", true), signal)) as ListInboxOutput;
      expect(after.messages).toEqual([]);
    });

    it("search_emails finds by sender and by subject words, ASCII and not", async () => {
      const bySender = (await alice.search_emails(search("from:carol@example.test"), signal)) as SearchEmailsOutput;
      expect(bySender.messages.map((message) => message.subject)).toEqual(["Quarterly report"]);
      const bySubject = (await alice.search_emails(search("subject:quarterly"), signal)) as SearchEmailsOutput;
      expect(bySubject.messages.map((message) => message.subject)).toEqual(["Quarterly report"]);
      const nonAscii = (await alice.search_emails(search("café"), signal)) as SearchEmailsOutput;
      expect(nonAscii.messages.map((message) => message.subject)).toEqual(["Café à midi"]);
    });

    it("its refusal of a SEARCH charset reads as one (what a server without UTF-8 SEARCH answers), other refusals not", async () => {
      const client = await openOtherImapClient(on, on.users[0] ?? "");
      const exec = (client as unknown as { exec: RawExec }).exec.bind(client);
      try {
        await client.mailboxOpen("INBOX");
        const charset = await exec("UID SEARCH", atoms("CHARSET", "X-NO-SUCH-CHARSET", "ALL")).catch((e: unknown) => e);
        expect(isRefusedCharset(charset)).toBe(true);
        const other = await exec("UID SEARCH", atoms("NO-SUCH-KEY")).catch((e: unknown) => e);
        expect(other).toBeInstanceOf(Error);
        expect(isRefusedCharset(other)).toBe(false);
      } finally {
        await client.logout();
      }
    });

    it("send_email without a Sent folder sends, answers no message_id and says why the copy was not filed", async () => {
      const sent = (await alice.send_email(
        send(addressOf(on, on.users[1] ?? ""), "Before any Sent folder", "Hello Bob"),
        signal,
      )) as SendResult;
      expect(sent.rfc822_message_id).toMatch(/^<.+>$/);
      expect(sent.message_id).toBeNull();
      expect(sent.sent_copy_problem).toMatch(/sent, but its copy could not be filed in SENT: .*no Sent folder/);
      expect(notFiled).toEqual([{ inboxId: INBOX_ID, reason: expect.stringContaining("no Sent folder") }]);
    });

    it("send_email files its copy, CRLF throughout, in the INBOX.Sent a client made after the provider listed the folders", async () => {
      const client = await openOtherImapClient(on, on.users[0] ?? "");
      await client.mailboxCreate("INBOX.Sent").finally(() => client.logout());
      notFiled.length = 0;
      const sent = (await alice.send_email(
        send(addressOf(on, on.users[1] ?? ""), "Lunch plans", "Line one\nLine two\n\nBob, are you in?"),
        signal,
      )) as SendResult;
      expect(notFiled).toEqual([]);
      expect(sent.message_id).not.toBeNull();
      expect(sent).not.toHaveProperty("sent_copy_problem");
      const copy = (await alice.read_email(read(sent.message_id ?? ""), signal)) as ReadEmailOutput;
      expect(copy).toMatchObject({ folder: "SENT", subject: "Lunch plans", unread: false });
      expect(copy.body_text).toContain("Line one\nLine two");
      const listed = (await alice.list_inbox(list("SENT"), signal)) as ListInboxOutput;
      expect(listed.messages.map((message) => message.subject)).toEqual(["Lunch plans"]);
      const received = (await bob.search_emails(search("subject:lunch"), signal)) as SearchEmailsOutput;
      expect(received.messages.map((message) => message.subject)).toEqual(["Lunch plans"]);
    });

    it("list_inbox and search_emails find DRAFTS and TRASH by their usual names under INBOX.", async () => {
      const user = on.users[0] ?? "";
      const message = (subject: string) => ({
        raw: rawMessage({
          from: addressOf(on, user),
          to: "dan@example.test",
          subject,
          body: "-",
          messageId: `<${subject}@x.test>`,
        }),
        seen: true,
      });
      await appendOtherImapMessages(on, user, "INBOX.Drafts", [message("unfinished")]);
      await appendOtherImapMessages(on, user, "INBOX.Trash", [message("discarded")]);
      const fresh = createImapProvider({
        inbox: inboxOf(addressOf(on, user)),
        settings: otherImapSettings(on, user, smtp.port),
        pool,
        network: LOOPBACK_MAIL_NETWORK,
      });
      try {
        const drafts = (await fresh.list_inbox({ ...list(), folder: "DRAFTS" }, signal)) as ListInboxOutput;
        expect(drafts.messages.map((each) => [each.subject, each.folder])).toEqual([["unfinished", "DRAFTS"]]);
        const trash = (await fresh.search_emails(
          { ...search("subject:discarded"), include_folders: ["TRASH"] },
          signal,
        )) as SearchEmailsOutput;
        expect(trash.messages.map((each) => [each.subject, each.folder])).toEqual([["discarded", "TRASH"]]);
      } finally {
        await fresh.close();
      }
    });

    it("reply_to_email answers in the same thread, and the reply reaches the sender", async () => {
      const [original] = ((await bob.search_emails(search("subject:lunch"), signal)) as SearchEmailsOutput).messages;
      const reply = (await bob.reply_to_email(
        { inbox_id: INBOX_ID, message_id: original?.id ?? "", body: "Count me in.", reply_all: false, attachments: [] },
        signal,
      )) as SendResult;
      expect(reply).toMatchObject({ rfc822_message_id: expect.stringMatching(/^<.+>$/) });
      const back = (await alice.search_emails(search("subject:lunch"), signal)) as SearchEmailsOutput;
      const answer = back.messages.find((message) => message.subject === "Re: Lunch plans");
      expect(answer?.thread_id).toBe(original?.thread_id);
    });

    it("list_folders gives the folders under INBOX. the standard ids, the owner's own by path, counted as listed", async () => {
      const user = on.users[0] ?? "";
      const data = Buffer.from("%PDF-1.4 figures");
      await appendOtherImapMessages(on, user, "INBOX.Projects", [
        {
          raw: [
            "From: Carol <carol@example.test>",
            `To: ${addressOf(on, user)}`,
            "Subject: Figures",
            "Message-ID: <figures@example.test>",
            "Date: Thu, 03 Dec 2026 11:00:00 +0000",
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="cut"',
            "",
            "--cut",
            "Content-Type: text/plain",
            "",
            "Attached.",
            "--cut",
            'Content-Type: application/pdf; name="q3.pdf"',
            'Content-Disposition: attachment; filename="q3.pdf"',
            "Content-Transfer-Encoding: base64",
            "",
            data.toString("base64"),
            "--cut--",
            "",
          ].join("\r\n"),
        },
      ]);
      const { folders } = (await alice.list_folders({ inbox_id: INBOX_ID }, signal)) as ListFoldersOutput;
      expect(folders.slice(0, 4).map((folder) => [folder.id, folder.name])).toEqual([
        ["INBOX", "INBOX"],
        ["SENT", "INBOX.Sent"],
        ["DRAFTS", "INBOX.Drafts"],
        ["TRASH", "INBOX.Trash"],
      ]);
      expect(folders).toContainEqual({
        id: "INBOX.Projects",
        name: "INBOX.Projects",
        kind: "other",
        total: 1,
        unread: 1,
      });
      for (const folder of folders) {
        const listed = (await alice.list_inbox({ ...list(), folder: folder.id }, signal)) as ListInboxOutput;
        expect(folder.total, folder.id).toBe(listed.total);
        const unread = (await alice.list_inbox(
          { ...list(), folder: folder.id, unread_only: true },
          signal,
        )) as ListInboxOutput;
        expect(folder.unread, folder.id).toBe(unread.total);
      }

      const [figures] = ((await alice.list_inbox({ ...list(), folder: "INBOX.Projects" }, signal)) as ListInboxOutput)
        .messages;
      const attachment = (await alice.get_attachment(
        { inbox_id: INBOX_ID, message_id: figures?.id ?? "", attachment_id: "2" },
        signal,
      )) as GetAttachmentOutput;
      expect(attachment).toMatchObject({ filename: "q3.pdf", mime_type: "application/pdf", size_bytes: data.length });
      expect(Buffer.from(attachment.data, "base64").equals(data)).toBe(true);
      // The rig's users are shared: a folder of this test's own would show up in others' searches.
      const client = await openOtherImapClient(on, user);
      await client.mailboxDelete("INBOX.Projects").finally(() => client.logout());
    });

    it("get_thread finds a conversation in INBOX and INBOX.Sent without the THREAD extension", async () => {
      const [answer] = ((await alice.search_emails(search('subject:"Re: Lunch plans"'), signal)) as SearchEmailsOutput)
        .messages;
      const thread = (await alice.get_thread(
        { inbox_id: INBOX_ID, thread_id: answer?.thread_id ?? "", body_format: "text", strip_quoted: false },
        signal,
      )) as GetThreadOutput;
      expect(thread).toMatchObject({ message_count: 2, truncated: false });
      // Sent and answered within the same second: the order between them is the ids'.
      expect(thread.messages.map((message) => `${message.folder} ${message.subject}`).sort()).toEqual([
        "INBOX Re: Lunch plans",
        "SENT Lunch plans",
      ]);
      expect(thread.messages.find((message) => message.folder === "INBOX")?.unread).toBe(true);
    });

    it("send_email files its copy in Sent also when its connection has Sent open read-only (Courier refuses that APPEND)", async () => {
      const user = on.users[0] ?? "";
      const one = createImapProvider({
        inbox: inboxOf(addressOf(on, user)),
        settings: otherImapSettings(on, user, smtp.port),
        // One connection: the send's APPEND meets the Sent folder the listing EXAMINEd.
        pool: { maxConnectionsPerInbox: 1, idleCloseMs: 30_000 },
        network: LOOPBACK_MAIL_NETWORK,
      });
      try {
        await one.list_inbox(list("SENT"), signal);
        const sent = (await one.send_email(
          send(addressOf(on, on.users[1] ?? ""), "Filed after a listing", "x"),
          signal,
        )) as SendResult;
        expect(sent).not.toHaveProperty("sent_copy_problem");
        const listed = (await one.list_inbox(list("SENT"), signal)) as ListInboxOutput;
        expect(listed.messages[0]).toMatchObject({ id: sent.message_id, subject: "Filed after a listing" });
      } finally {
        await one.close();
      }
    });
  });
}

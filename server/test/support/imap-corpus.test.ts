import { createHash } from "node:crypto";
import type { ImapFlow } from "imapflow";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  deleteRigUser,
  dovecotRig,
  openImapClient,
  RIG_SKIP_REASON,
  type DovecotRig,
  type RigUser,
} from "./dovecot-rig.js";
import {
  BIG_ATTACHMENT_BYTES,
  CORPUS_CUSTOM_FOLDER,
  corpusMessage,
  DEFAULT_BULK_SENDERS,
  seedBulkMailbox,
  seedRealisticCorpus,
  XSS_HTML,
  type CorpusManifest,
} from "./imap-corpus.js";

const rig = dovecotRig();
if (!rig) {
  it.skip(`the IMAP corpus: ${RIG_SKIP_REASON}`, () => {});
} else {
  describeCorpus(rig);
}

function describeCorpus(rig: DovecotRig): void {
  describe("the realistic corpus", () => {
    let user: RigUser;
    let manifest: CorpusManifest;
    let client: ImapFlow;
    beforeAll(async () => {
      user = await createRigUser(rig, "corpus");
      manifest = await seedRealisticCorpus(rig, user.address);
      client = await openImapClient(rig, user);
    });
    afterAll(async () => {
      await client.logout();
      await deleteRigUser(rig, user.address);
    });

    it("puts mail in INBOX, Sent, Drafts, Trash and a folder of no special use", () => {
      expect(manifest.address).toBe(user.address);
      expect([...manifest.folders].sort()).toEqual(["Drafts", "INBOX", CORPUS_CUSTOM_FOLDER, "Sent", "Trash"].sort());
      expect(new Set(manifest.messages.map((message) => message.date.getTime())).size).toBe(manifest.messages.length);
    });

    it("lists, folder by folder, what the manifest says: Message-ID, subject, flags and INTERNALDATE", async () => {
      for (const folder of manifest.folders) {
        await client.mailboxOpen(folder, { readOnly: true });
        const listed = await client.fetchAll("1:*", { envelope: true, flags: true, internalDate: true });
        const expected = manifest.messages.filter((message) => message.folder === folder);
        expect(
          listed.map((message) => ({
            messageId: message.envelope?.messageId,
            subject: message.envelope?.subject,
            seen: message.flags?.has("\\Seen"),
            flagged: message.flags?.has("\\Flagged"),
            receivedAt: message.internalDate,
            date: message.envelope?.date,
          })),
          folder,
        ).toEqual(
          expected.map(({ messageId, subject, seen, flagged, receivedAt, date }) => ({
            messageId,
            subject,
            seen,
            flagged,
            receivedAt,
            date,
          })),
        );
      }
    });

    it("counts unread mail per folder as the manifest does", async () => {
      for (const folder of manifest.folders) {
        const unread = manifest.messages.filter((message) => message.folder === folder && !message.seen).length;
        expect(await client.status(folder, { unseen: true }), folder).toMatchObject({ unseen: unread });
      }
      expect(manifest.messages.filter((message) => !message.seen).length).toBeGreaterThan(1);
    });

    it("holds attachments whose bytes match the manifest, the 9 MB one included", async () => {
      for (const key of ["attachments", "big-attachment", "inline-image"] as const) {
        const expected = corpusMessage(manifest, key);
        const parsed = await simpleParser(await sourceOf(client, expected.folder, expected.messageId));
        expect(
          parsed.attachments.map((attachment) => ({
            filename: attachment.filename,
            contentType: attachment.contentType,
            size: attachment.content.length,
            sha256: createHash("sha256").update(attachment.content).digest("hex"),
          })),
          key,
        ).toEqual(
          expected.attachments.map(({ filename, contentType, size, sha256 }) => ({
            filename,
            contentType,
            size,
            sha256,
          })),
        );
      }
      expect(corpusMessage(manifest, "big-attachment").attachments[0]?.size).toBe(BIG_ATTACHMENT_BYTES);
    });

    it("has multipart/alternative, HTML-only and non-ASCII messages as described", async () => {
      const alternative = corpusMessage(manifest, "alternative");
      const alternativeSource = await sourceOf(client, "INBOX", alternative.messageId);
      expect(alternativeSource.toString("utf8")).toMatch(/Content-Type: multipart\/alternative/);
      expect((await simpleParser(alternativeSource)).text?.trim()).toBe(alternative.text);

      const htmlOnly = corpusMessage(manifest, "html-only");
      const htmlOnlySource = await sourceOf(client, "INBOX", htmlOnly.messageId);
      expect(htmlOnlySource.toString("utf8")).not.toMatch(/Content-Type: text\/plain/);
      expect((await simpleParser(htmlOnlySource)).html || "").toContain(htmlOnly.html);

      const nonAscii = corpusMessage(manifest, "non-ascii");
      const parsed = await simpleParser(await sourceOf(client, "INBOX", nonAscii.messageId));
      expect(parsed.subject).toBe(nonAscii.subject);
      expect(parsed.text?.trim()).toBe(nonAscii.text);
      expect(parsed.from?.value[0]?.name).toBe(nonAscii.from.name);
      expect(nonAscii.subject).toMatch(/é.*日本語.*🎉/u);
    });

    it("carries the XSS corpus unsanitized in an HTML body", async () => {
      const xss = corpusMessage(manifest, "xss");
      const parsed = await simpleParser(await sourceOf(client, "INBOX", xss.messageId));
      expect(parsed.html).toBe(XSS_HTML);
      for (const attack of [
        "<script>",
        "onerror=",
        "javascript:",
        "tracker.example/pixel.gif",
        "expression(",
        "<svg onload=",
      ])
        expect(XSS_HTML).toContain(attack);
    });

    it("threads three messages across INBOX and Sent with In-Reply-To and References", async () => {
      const [start, reply, answer] = (["thread-start", "thread-reply", "thread-answer"] as const).map((key) =>
        corpusMessage(manifest, key),
      );
      expect(reply?.folder).toBe("Sent");
      const parsedAnswer = await simpleParser(await sourceOf(client, "INBOX", answer?.messageId ?? ""));
      expect(parsedAnswer.inReplyTo).toBe(reply?.messageId);
      expect(parsedAnswer.references).toEqual([start?.messageId, reply?.messageId]);
      const parsedReply = await simpleParser(await sourceOf(client, "Sent", reply?.messageId ?? ""));
      expect(parsedReply.inReplyTo).toBe(start?.messageId);
    });
  });

  describe("a bulk mailbox", () => {
    it("has the count, unread count, senders and dates it reports", async () => {
      const user = await createRigUser(rig, "bulk");
      const bulk = await seedBulkMailbox(rig, user.address, 2_000, { unreadEvery: 8 });
      expect(bulk).toMatchObject({ count: 2_000, unread: 250, senders: DEFAULT_BULK_SENDERS });
      expect(Object.values(bulk.bySender)).toEqual([400, 400, 400, 400, 400]);
      const client = await openImapClient(rig, user);
      try {
        expect(await client.status("INBOX", { messages: true, unseen: true })).toMatchObject({
          messages: 2_000,
          unseen: 250,
        });
        await client.mailboxOpen("INBOX", { readOnly: true });
        const sender = DEFAULT_BULK_SENDERS[1] ?? "";
        expect(await client.search({ from: sender })).toHaveLength(bulk.bySender[sender] ?? -1);
        const [oldest, newest] = [
          await client.fetchOne("1", { envelope: true, internalDate: true, flags: true }),
          await client.fetchOne("*", { envelope: true, internalDate: true, flags: true }),
        ];
        for (const [listed, written] of [
          [oldest, bulk.messageAt(0)],
          [newest, bulk.messageAt(1_999)],
        ] as const) {
          expect(
            listed && {
              messageId: listed.envelope?.messageId,
              subject: listed.envelope?.subject,
              date: listed.envelope?.date,
              receivedAt: listed.internalDate,
              seen: listed.flags?.has("\\Seen"),
            },
          ).toEqual({
            messageId: written.messageId,
            subject: written.subject,
            date: written.date,
            receivedAt: written.date,
            seen: written.seen,
          });
        }
      } finally {
        await client.logout();
      }
    });

    it("seeds a mailbox of 20,000 messages that IMAP counts, and prints how long that took", async () => {
      // server/bench/imap-seeding.ts measures 100,000 against IMAP APPEND; the suite keeps to a fifth.
      const user = await createRigUser(rig, "bulk-20k");
      try {
        const started = performance.now();
        const bulk = await seedBulkMailbox(rig, user.address, 20_000);
        const seconds = (performance.now() - started) / 1000;
        const client = await openImapClient(rig, user);
        try {
          expect(await client.status("INBOX", { messages: true, unseen: true })).toMatchObject({
            messages: 20_000,
            unseen: bulk.unread,
          });
        } finally {
          await client.logout();
        }
        console.log(
          `seedBulkMailbox: 20,000 messages in ${seconds.toFixed(2)} s (${Math.round(20_000 / seconds)} messages/s)`,
        );
      } finally {
        await deleteRigUser(rig, user.address);
      }
    }, 120_000);

    it("refuses a count or options it cannot honour", async () => {
      await expect(seedBulkMailbox(rig, "nobody@rig.test", -1)).rejects.toThrow(/count must be a whole number/);
      await expect(seedBulkMailbox(rig, "nobody@rig.test", 10, { unreadEvery: 0 })).rejects.toThrow(
        /unreadEvery must be/,
      );
      await expect(seedBulkMailbox(rig, "nobody@rig.test", 10, { senders: [] })).rejects.toThrow(
        /senders must not be empty/,
      );
      await expect(
        seedBulkMailbox(rig, "nobody@rig.test", 10, { senders: ["News <news@bulk.example>"] }),
      ).rejects.toThrow(/sender "News <news@bulk.example>" must be a bare ASCII address/);
      await expect(seedBulkMailbox(rig, "nobody@rig.test", 10)).rejects.toThrow(/nobody@rig.test has no maildir/);
    });
  });
}

async function sourceOf(client: ImapFlow, folder: string, messageId: string): Promise<Buffer> {
  await client.mailboxOpen(folder, { readOnly: true });
  const [uid] = (await client.search({ header: { "message-id": messageId } }, { uid: true })) || [];
  if (uid === undefined) throw new Error(`${messageId} is not in ${folder}`);
  const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
  if (!message || !message.source) throw new Error(`no source for ${messageId}`);
  return message.source;
}

import { randomBytes } from "node:crypto";
import { simpleParser } from "mailparser";
import { createTransport } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
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
import { RELAY_MAX_MESSAGE_BYTES, startSmtpRelay, type SmtpRelay } from "./smtp-relay.js";

const rig = dovecotRig();
if (!rig) {
  it.skip(`the SMTP relay: ${RIG_SKIP_REASON}`, () => {});
} else {
  describeRelay(rig);
}

function describeRelay(rig: DovecotRig): void {
  describe("the SMTP relay into Dovecot", () => {
    let relay: SmtpRelay;
    let sender: RigUser;
    let recipient: RigUser;
    let bystander: RigUser;
    beforeAll(async () => {
      relay = await startSmtpRelay({ rig });
      sender = await createRigUser(rig, "relay-sender");
      recipient = await createRigUser(rig, "relay-recipient");
      bystander = await createRigUser(rig, "relay-bystander");
    });
    afterAll(async () => {
      await relay.close();
      // The byte-for-byte test leaves a 9 MB attachment in the recipient's mailbox.
      await deleteRigUser(rig, recipient.address);
    });

    const smtpAs = (user: RigUser) =>
      createTransport({
        host: rig.host,
        port: relay.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: user.address, pass: user.password },
      });

    it("delivers an authenticated sender's message to the recipient's INBOX, byte for byte", async () => {
      const attachment = randomBytes(9 * 1024 * 1024);
      const raw = await new MailComposer({
        from: sender.address,
        to: recipient.address,
        subject: "Binary attachment — ünïcödé 📎",
        text: "See the attached bytes.\nZoë's line with a . at the start follows:\n.hidden dot",
        messageId: "<relay-bytes@rig.test>",
        attachments: [{ filename: "blob.bin", contentType: "application/octet-stream", content: attachment }],
      })
        .compile()
        .build();
      const before = relay.accepted();
      const info = await smtpAs(sender).sendMail({ envelope: { from: sender.address, to: [recipient.address] }, raw });
      expect(info.accepted).toEqual([recipient.address]);
      expect(relay.accepted()).toBe(before + 1);

      const source = await onlyMessageSource(rig, recipient);
      // Dovecot prepends its trace headers (Return-Path, Delivered-To, Received); the rest is what was
      // sent, as SMTP carries it (the client ends every line with CRLF).
      const sent = Buffer.from(raw.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
      expect(source.subarray(0, source.length - sent.length).toString("latin1")).toMatch(
        /^Return-Path: <relay-sender-[^>]+>\r\nDelivered-To: relay-recipient-/,
      );
      expect(source.subarray(source.length - sent.length).equals(sent)).toBe(true);
      const parsed = await simpleParser(source);
      expect(parsed.text).toBe("See the attached bytes.\nZoë's line with a . at the start follows:\n.hidden dot");
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]?.content.equals(attachment)).toBe(true);
    });

    it("delivers to envelope recipients that no header names (Bcc)", async () => {
      const blind = await createRigUser(rig, "relay-bcc");
      await smtpAs(sender).sendMail({
        from: sender.address,
        to: bystander.address,
        bcc: blind.address,
        subject: "with bcc",
        text: "hello",
      });
      const source = await onlyMessageSource(rig, blind);
      expect(source.toString("utf8")).toContain("Subject: with bcc");
      expect(source.toString("utf8")).not.toMatch(/^Bcc:/im);
    });

    it("refuses a login with a wrong password (535) and accepts nothing", async () => {
      const before = relay.accepted();
      await expect(
        smtpAs({ address: sender.address, password: "not-the-password" }).sendMail({
          from: sender.address,
          to: recipient.address,
          subject: "x",
          text: "x",
        }),
      ).rejects.toMatchObject({ code: "EAUTH", responseCode: 535 });
      await expect(smtpAs({ address: "nobody@rig.test", password: rig.password }).verify()).rejects.toMatchObject({
        responseCode: 535,
      });
      expect(relay.accepted()).toBe(before);
    });

    it("takes AUTH LOGIN as well as AUTH PLAIN", async () => {
      const blind = await createRigUser(rig, "relay-login");
      const client = createTransport({
        host: rig.host,
        port: relay.port,
        secure: false,
        ignoreTLS: true,
        authMethod: "LOGIN",
        auth: { user: sender.address, pass: sender.password },
      });
      await client.sendMail({ from: sender.address, to: blind.address, subject: "via AUTH LOGIN", text: "hello" });
      expect((await onlyMessageSource(rig, blind)).toString("utf8")).toContain("Subject: via AUTH LOGIN");
    });

    it("requires a login before mail", async () => {
      const anonymous = createTransport({ host: rig.host, port: relay.port, secure: false, ignoreTLS: true });
      await expect(
        anonymous.sendMail({ from: sender.address, to: recipient.address, subject: "x", text: "x" }),
      ).rejects.toMatchObject({ responseCode: 530 });
    });

    it("refuses each recipient outside the rig's users with 550 and delivers to the others", async () => {
      const known = await createRigUser(rig, "relay-known");
      await expect(
        smtpAs(sender).sendMail({ from: sender.address, to: "stranger@elsewhere.example", subject: "x", text: "x" }),
      ).rejects.toMatchObject({
        code: "EENVELOPE",
        responseCode: 550,
      });
      const info = await smtpAs(sender).sendMail({
        from: sender.address,
        to: [known.address, "ghost@rig.test"],
        subject: "mixed",
        text: "x",
      });
      expect(info.accepted).toEqual([known.address]);
      expect(info.rejected).toEqual(["ghost@rig.test"]);
      expect(info.rejectedErrors?.[0]?.response).toMatch(/^550 .*no such user/);
      expect((await onlyMessageSource(rig, known)).toString("utf8")).toContain("Subject: mixed");
    });

    it(`refuses a message over ${RELAY_MAX_MESSAGE_BYTES} bytes with 552`, async () => {
      const before = relay.accepted();
      const huge = randomBytes((RELAY_MAX_MESSAGE_BYTES / 4) * 3 + 1024).toString("base64");
      await expect(
        smtpAs(sender).sendMail({
          envelope: { from: sender.address, to: [recipient.address] },
          raw: `Subject: huge\r\n\r\n${huge}`,
        }),
      ).rejects.toMatchObject({
        responseCode: 552,
      });
      expect(relay.accepted()).toBe(before);
    });

    it("answers 451 (try again later) when Dovecot does not take the message over LMTP", async () => {
      const broken = await startSmtpRelay({ rig: { ...rig, lmtpPort: 1 } });
      try {
        const client = createTransport({
          host: rig.host,
          port: broken.port,
          secure: false,
          ignoreTLS: true,
          auth: { user: sender.address, pass: sender.password },
        });
        await expect(
          client.sendMail({ from: sender.address, to: bystander.address, subject: "lost?", text: "x" }),
        ).rejects.toMatchObject({ responseCode: 451 });
        expect(broken.accepted()).toBe(0);
      } finally {
        await broken.close();
      }
    });
  });
}

/** The source of the one message in the user's INBOX, as IMAP serves it. */
async function onlyMessageSource(rig: DovecotRig, user: RigUser): Promise<Buffer> {
  const client = await openImapClient(rig, user);
  try {
    await client.mailboxOpen("INBOX", { readOnly: true });
    const messages = await client.fetchAll("1:*", { source: true });
    expect(messages).toHaveLength(1);
    return messages[0]?.source ?? Buffer.alloc(0);
  } finally {
    await client.logout();
  }
}

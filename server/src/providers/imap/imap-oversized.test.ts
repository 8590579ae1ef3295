// A message over limits.read_message_max_bytes, read through the IMAP provider against Dovecot:
// its text, its attachment described from the server's BODYSTRUCTURE without data, both flagged.
import { randomBytes } from "node:crypto";
import { LIMITS, type ListInboxOutput, type ReadEmailOutput } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  openImapClient,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import type { InboxRecord } from "../../store/store.js";
import type { ClosableProvider } from "../provider.js";
import { createImapProvider } from "./imap-provider.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
const signal = new AbortController().signal;
const INBOX_ID = "6c1c3e1f-8b62-4e9f-8d1a-2a8c4b0f3d22";
const ATTACHMENT_BYTES = 20 * 1024 * 1024;

let user: RigUser;
let provider: ClosableProvider;
let messageId: string;

function base64Lines(data: Buffer): string {
  return (data.toString("base64").match(/.{1,76}/gu) ?? []).join("\r\n");
}

describeWithRig("a message over the read cap", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    user = await createRigUser(rig, "oversized");
    const source = [
      "From: Stranger <stranger@example.net>",
      `To: ${user.address}`,
      "Subject: A very large delivery",
      "Message-ID: <oversized@example.net>",
      "Date: Tue, 01 Dec 2026 10:00:00 +0000",
      'Content-Type: multipart/mixed; boundary="cut"',
      "",
      "--cut",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The figures are attached.",
      "--cut",
      'Content-Type: application/octet-stream; name="../../figures.bin"',
      'Content-Disposition: attachment; filename="../../figures.bin"',
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(randomBytes(ATTACHMENT_BYTES)),
      "--cut--",
      "",
    ].join("\r\n");
    expect(Buffer.byteLength(source)).toBeGreaterThan(LIMITS.read_message_max_bytes);
    const client = await openImapClient(rig, user);
    await client.append("INBOX", source);
    await client.logout();
    provider = createImapProvider({
      inbox: { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [user.address] } as InboxRecord,
      settings: imapSettingsFor(rig, user, 1),
      pool: { maxConnectionsPerInbox: 1, idleCloseMs: 10_000 },
      network: LOOPBACK_MAIL_NETWORK,
    });
    const listed = (await provider.list_inbox(
      { inbox_id: INBOX_ID, limit: 5, offset: 0, folder: "INBOX", unread_only: false },
      signal,
    )) as ListInboxOutput;
    messageId = listed.messages[0]?.id ?? "";
  }, 120_000);
  afterAll(async () => provider?.close());

  it("answers with the text and the attachment described, without its data, flagged", async () => {
    const read = (await provider.read_email(
      {
        inbox_id: INBOX_ID,
        message_id: messageId,
        include_html: false,
        include_attachments: true,
        mark_as_read: false,
        body_format: "text",
        strip_quoted: false,
      },
      signal,
    )) as ReadEmailOutput;
    expect(read).toMatchObject({
      subject: "A very large delivery",
      body_text: expect.stringContaining("The figures are attached."),
      body_truncated: true,
      has_attachments: true,
    });
    expect(read.size_bytes).toBeGreaterThan(LIMITS.read_message_max_bytes);
    expect(read.attachments).toEqual([
      {
        attachment_id: "2",
        filename: "figures.bin",
        mime_type: "application/octet-stream",
        size_bytes: expect.any(Number),
        inline: false,
        content_id: null,
        data: null,
      },
    ]);
    // From the encoded size alone: within a line break's worth per 76 characters of the truth.
    expect(Math.abs((read.attachments[0]?.size_bytes ?? 0) - ATTACHMENT_BYTES)).toBeLessThan(ATTACHMENT_BYTES / 100);
  });
});

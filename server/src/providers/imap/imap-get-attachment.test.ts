// get_attachment on Dovecot, with the caps made small (read_message_max_bytes 64 KiB,
// get_attachment_max_bytes 32 KiB) so that small messages show every path: an attachment of a
// message read whole carries read_email's metadata; one of an oversized message is fetched alone
// (BODY.PEEK[<part>]) and decoded; one past the cap is refused from BODYSTRUCTURE, never downloaded.
import { randomBytes } from "node:crypto";
import type * as Generated from "@mcpemails/generated";
import type { GetAttachmentOutput, ListInboxOutput, ReadEmailOutput } from "@mcpemails/generated";
import { ImapFlow, type FetchQueryObject } from "imapflow";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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
import { decodeMessageId, encodeMessageId } from "./imap-message-id.js";
import { createImapProvider } from "./imap-provider.js";

const { READ_MAX, ATTACHMENT_MAX } = vi.hoisted(() => ({ READ_MAX: 64 * 1024, ATTACHMENT_MAX: 32 * 1024 }));
vi.mock("@mcpemails/generated", async (importOriginal) => {
  const original = await importOriginal<typeof Generated>();
  return {
    ...original,
    LIMITS: { ...original.LIMITS, read_message_max_bytes: READ_MAX, get_attachment_max_bytes: ATTACHMENT_MAX },
  };
});

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
const signal = new AbortController().signal;
const INBOX_ID = "e3b7a1c9-4d2f-4e6a-8b1c-5f0d9a2e7c34";

const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(5_000)]);
// 57 bytes a 76-character base64 line, no padding: BODYSTRUCTURE's size estimate is exact.
const SMALL = randomBytes(57 * 60);
const LARGE = randomBytes(40 * 1024);
const FILLER = randomBytes(50 * 1024);
const NOTES = "Café notes, with a soft line break\r\nline two = fine";
const NOTES_QP = "Caf=C3=A9 notes, with a soft=\r\n line break\r\nline two =3D fine";

let user: RigUser;
let provider: ClosableProvider;
const ids = new Map<string, string>();

function base64Lines(data: Buffer): string {
  return (data.toString("base64").match(/.{1,76}/gu) ?? []).join("\r\n");
}

function part(headers: string[], body: string): string[] {
  return ["--cut", ...headers, "", body];
}

function attachment(name: string, type: string, data: Buffer): string[] {
  return part(
    [
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      "Content-Transfer-Encoding: base64",
    ],
    base64Lines(data),
  );
}

function message(subject: string, parts: string[][]): string {
  return [
    "From: Ann <ann@example.net>",
    `To: ${user.address}`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/gu, "")}@example.net>`,
    "Date: Tue, 01 Dec 2026 10:00:00 +0000",
    'Content-Type: multipart/mixed; boundary="cut"',
    "",
    ...part(["Content-Type: text/plain; charset=utf-8"], `About ${subject}.`),
    ...parts.flat(),
    "--cut--",
    "",
  ].join("\r\n");
}

const NOTES_PART = part(
  [
    'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    "Content-Transfer-Encoding: quoted-printable",
  ],
  NOTES_QP,
);

async function read(messageId: string): Promise<ReadEmailOutput> {
  return (await provider.read_email(
    {
      inbox_id: INBOX_ID,
      message_id: messageId,
      include_html: false,
      include_attachments: false,
      mark_as_read: false,
      body_format: "text",
      strip_quoted: false,
    },
    signal,
  )) as ReadEmailOutput;
}

/** The FETCH queries get_attachment sends for one call. */
async function getAttachment(subject: string, attachmentId: string, messageId = ids.get(subject)!) {
  const fetchOne = vi.spyOn(ImapFlow.prototype, "fetchOne");
  try {
    const output = await provider.get_attachment(
      { inbox_id: INBOX_ID, message_id: messageId, attachment_id: attachmentId },
      signal,
    );
    return { output, queries: fetchOne.mock.calls.map((call) => call[1] as FetchQueryObject) };
  } finally {
    fetchOne.mockRestore();
  }
}

function withoutData(output: unknown) {
  const { data, ...metadata } = output as GetAttachmentOutput;
  return { data: Buffer.from(data, "base64"), metadata };
}

describeWithRig("get_attachment on IMAP", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    user = await createRigUser(rig, "attachment");
    const client = await openImapClient(rig, user);
    await client.append("INBOX", message("Report", [attachment("q3.pdf", "application/pdf", PDF), NOTES_PART]));
    await client.append("INBOX", message("Large", [attachment("large.bin", "application/octet-stream", LARGE)]));
    const oversized = message("Oversized", [
      attachment("filler.bin", "application/octet-stream", FILLER),
      attachment("small.bin", "application/octet-stream", SMALL),
      NOTES_PART,
    ]);
    expect(Buffer.byteLength(oversized)).toBeGreaterThan(READ_MAX);
    await client.append("INBOX", oversized);
    await client.logout();
    provider = createImapProvider({
      inbox: { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [user.address] } as InboxRecord,
      settings: imapSettingsFor(rig, user, 1),
      pool: { maxConnectionsPerInbox: 1, idleCloseMs: 10_000 },
      network: LOOPBACK_MAIL_NETWORK,
    });
    const listed = (await provider.list_inbox(
      { inbox_id: INBOX_ID, folder: "INBOX", unread_only: false, limit: 10, offset: 0 },
      signal,
    )) as ListInboxOutput;
    for (const each of listed.messages) ids.set(each.subject, each.id);
  }, 60_000);
  afterAll(async () => provider?.close());

  it("gives an attachment's bytes with the metadata read_email gave it", async () => {
    const described = (await read(ids.get("Report")!)).attachments;
    expect(described.map((each) => each.filename)).toEqual(["q3.pdf", "notes.txt"]);
    for (const [index, expected] of [PDF, Buffer.from(NOTES)].entries()) {
      const { output } = await getAttachment("Report", described[index]!.attachment_id);
      const { data, metadata } = withoutData(output);
      expect(data.equals(expected)).toBe(true);
      expect(metadata).toEqual(described[index]);
    }
  });

  it("fetches only the part of an oversized message, decoded from base64 or quoted-printable", async () => {
    const described = (await read(ids.get("Oversized")!)).attachments;
    expect(described.map((each) => each.filename)).toEqual(["filler.bin", "small.bin", "notes.txt"]);
    const small = await getAttachment("Oversized", "3");
    expect(withoutData(small.output).data.equals(SMALL)).toBe(true);
    expect(withoutData(small.output).metadata).toEqual(described[1]);
    expect(small.queries.some((query) => query.source !== undefined)).toBe(false);
    expect(small.queries.flatMap((query) => query.bodyParts ?? [])).toEqual(["3"]);
    const notes = await getAttachment("Oversized", "4");
    expect(withoutData(notes.output).data.toString("utf8")).toBe(NOTES);
  });

  it("refuses an attachment past the cap from BODYSTRUCTURE, without downloading it", async () => {
    for (const [subject, id, bytes] of [
      ["Large", "2", LARGE.length],
      ["Oversized", "2", FILLER.length],
    ] as const) {
      const { output, queries } = await getAttachment(subject, id);
      expect(output).toMatchObject({
        isError: true,
        errorCode: "attachment_over_read_limit",
        limitBytes: ATTACHMENT_MAX,
        sizeBytes: expect.any(Number),
      });
      expect(Math.abs((output as { sizeBytes: number }).sizeBytes - bytes)).toBeLessThan(bytes / 100);
      expect(queries.every((query) => query.source === undefined && query.bodyParts === undefined)).toBe(true);
    }
  });

  it("answers attachment_not_found for an id the message does not have, message_not_found for a message", async () => {
    for (const subject of ["Report", "Oversized"])
      expect((await getAttachment(subject, "9")).output).toMatchObject({
        isError: true,
        errorCode: "attachment_not_found",
      });
    const ref = decodeMessageId(ids.get("Report")!)!;
    for (const unknown of [encodeMessageId({ ...ref, uid: 4_000_000_000 }), "not-an-id"])
      expect((await getAttachment("Report", "2", unknown)).output).toMatchObject({
        isError: true,
        errorCode: "message_not_found",
      });
  });
});

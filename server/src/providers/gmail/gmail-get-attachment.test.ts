// get_attachment against the fake Gmail, with the cap made small (32 KiB): an attachment's bytes with
// read_email's metadata, found by its MIME part number at any depth; one past the cap refused from
// the sizes of Gmail's MIME tree, the source never downloaded; attachment_not_found and
// message_not_found.
import { randomBytes } from "node:crypto";
import type * as Generated from "@mcpemails/generated";
import type { GetAttachmentOutput, ReadEmailOutput } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { InboxRecord } from "../../store/store.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import { createGmailProvider } from "./gmail-provider.js";

const { ATTACHMENT_MAX } = vi.hoisted(() => ({ ATTACHMENT_MAX: 32 * 1024 }));
vi.mock("@mcpemails/generated", async (importOriginal) => {
  const original = await importOriginal<typeof Generated>();
  return { ...original, LIMITS: { ...original.LIMITS, get_attachment_max_bytes: ATTACHMENT_MAX } };
});

const ADDRESS = "files@example.com";
const signal = new AbortController().signal;
const inbox = { id: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", addresses: [ADDRESS] } as InboxRecord;
const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(5_000)]);
const LARGE = randomBytes(40 * 1024);
let rig: GmailRig;
let messageId: string;

const provider = () => createGmailProvider({ inbox, settings: rig.connect(ADDRESS), app: rig.app });

function attachmentPart(name: string, type: string, data: Buffer, boundary: string): string[] {
  return [
    `--${boundary}`,
    `Content-Type: ${type}; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    "Content-Transfer-Encoding: base64",
    "",
    (data.toString("base64").match(/.{1,76}/gu) ?? []).join("\r\n"),
  ];
}

// The large file sits one level down (MIME part 1.2, Gmail's part 0.1), the PDF at the top (2).
const SOURCE = [
  "From: Ann <ann@example.net>",
  `To: ${ADDRESS}`,
  "Subject: The files",
  "Message-ID: <files@example.net>",
  "Date: Tue, 01 Dec 2026 10:00:00 +0000",
  'Content-Type: multipart/mixed; boundary="outer"',
  "",
  "--outer",
  'Content-Type: multipart/mixed; boundary="inner"',
  "",
  "--inner",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Both files attached.",
  ...attachmentPart("archive.bin", "application/octet-stream", LARGE, "inner"),
  "--inner--",
  ...attachmentPart("report.pdf", "application/pdf", PDF, "outer"),
  "--outer--",
  "",
].join("\r\n");

beforeAll(async () => {
  rig = startGmailRig();
  rig.connect(ADDRESS);
  messageId = (await rig.gmail.mailboxes.insert(ADDRESS, SOURCE, { labelIds: ["INBOX"] })).id;
});
afterAll(() => rig.close());

/** The answer, and the formats of the messages.get requests it made. */
async function getAttachment(attachmentId: string, id = messageId) {
  const formats: string[] = [];
  const listener = ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    if (/\/messages\/[^/]+$/u.test(url.pathname)) formats.push(url.searchParams.get("format") ?? "full");
  };
  rig.msw.events.on("request:start", listener);
  try {
    const output = await provider().get_attachment(
      { inbox_id: inbox.id, message_id: id, attachment_id: attachmentId },
      signal,
    );
    return { output, formats };
  } finally {
    rig.msw.events.removeListener("request:start", listener);
  }
}

describe("get_attachment on Gmail", () => {
  it("gives the attachment's bytes with the metadata read_email gives it", async () => {
    const read = (await provider().read_email(
      {
        inbox_id: inbox.id,
        message_id: messageId,
        include_html: false,
        include_attachments: false,
        mark_as_read: false,
        body_format: "text",
        strip_quoted: false,
      },
      signal,
    )) as ReadEmailOutput;
    const described = read.attachments.find((attachment) => attachment.filename === "report.pdf")!;
    expect(described.attachment_id).toBe("2");
    const { output } = await getAttachment(described.attachment_id);
    const { data, ...metadata } = output as GetAttachmentOutput;
    expect(Buffer.from(data, "base64").equals(PDF)).toBe(true);
    expect(metadata).toEqual(described);
  });

  it("refuses an attachment past the cap from the sizes of Gmail's MIME tree, never downloading the source", async () => {
    const { output, formats } = await getAttachment("1.2");
    expect(output).toMatchObject({ isError: true, errorCode: "attachment_over_read_limit" });
    expect(formats).toEqual(["full"]);
  });

  it("answers attachment_not_found for a part the message does not have, message_not_found for a message Gmail does not have", async () => {
    expect((await getAttachment("9")).output).toMatchObject({ isError: true, errorCode: "attachment_not_found" });
    expect((await getAttachment("1")).output).toMatchObject({ isError: true, errorCode: "attachment_not_found" });
    expect((await getAttachment("2", "18f00000000fffff")).output).toMatchObject({
      isError: true,
      errorCode: "message_not_found",
    });
    expect((await getAttachment("2", "../etc")).output).toMatchObject({
      isError: true,
      errorCode: "message_not_found",
    });
  });
});

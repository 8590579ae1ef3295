// A listed summary says what read_email says of the same message: the summary is parsed from the
// MIME skeleton of Gmail's format=full payload (here the fake's, built from the raw source as
// Gmail does), read_email from the raw source, by the same parser.
import { describe, expect, it } from "vitest";
import { composeMessage, type ComposeInput } from "../../mail/compose.js";
import { parseMessage } from "../../mail/parse.js";
import { mimeTree } from "../../../test/fakes/gmail/fake-mime-tree.js";
import { summaryOf } from "./gmail-message.js";

const BASE: ComposeInput = {
  from: { name: "Ann Sender", address: "ann@example.org" },
  to: [{ name: null, address: "me@example.com" }],
  subject: "Grüße",
  text: "Hello",
  messageId: "<m@example.org>",
  date: new Date(Date.UTC(2026, 0, 2)),
};
const PDF = { filename: "a.pdf", contentType: "application/pdf", content: Buffer.from("%PDF") };

/** What a scanner sends: the document is the whole message. */
const SINGLE_PART_ATTACHMENT = [
  "From: scanner@office.example",
  "To: me@example.com",
  "Subject: Scan",
  "Message-ID: <scan@office.example>",
  "Content-Type: application/pdf; name=scan.pdf",
  "Content-Disposition: attachment; filename=scan.pdf",
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from("%PDF scan").toString("base64"),
  "",
].join("\r\n");

/** Some clients wrap a plain message in multipart/mixed with nothing attached. */
const MIXED_WITHOUT_ATTACHMENT = [
  "From: client@example.org",
  "To: me@example.com",
  "Subject: Mixed",
  "Content-Type: multipart/mixed; boundary=outer",
  "",
  "--outer",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Just text, caf=C3=A9.",
  "--outer--",
  "",
].join("\r\n");

async function summaryAndRead(raw: string) {
  const source = Buffer.from(raw, "utf8");
  const summary = await summaryOf(
    { id: "1", threadId: "1", labelIds: ["INBOX"], snippet: "", internalDate: "0", payload: mimeTree(source, "1") },
    "INBOX",
  );
  return { summary, read: await parseMessage(source, { includeHtml: false, includeAttachments: false }) };
}

describe("summaryOf a format=full message", () => {
  it.each([
    ["a single-part attachment", SINGLE_PART_ATTACHMENT, true],
    ["multipart/mixed with nothing attached", MIXED_WITHOUT_ATTACHMENT, false],
  ])("has_attachments agrees with read_email for %s", async (_name, raw, expected) => {
    const { summary, read } = await summaryAndRead(raw);
    expect([summary.has_attachments, read.has_attachments]).toEqual([expected, expected]);
  });

  it.each([
    ["a plain message", {}, false],
    ["an attachment", { attachments: [PDF] }, true],
    [
      "an inline image the HTML shows (multipart/related)",
      {
        html: '<p>Hi</p><img src="cid:logo@x">',
        attachments: [
          { filename: "logo.png", contentType: "image/png", content: Buffer.from("png"), contentId: "logo@x" },
        ],
      },
      false,
    ],
    [
      "an inline image and an attachment",
      {
        html: '<img src="cid:logo@x">',
        attachments: [
          PDF,
          { filename: "logo.png", contentType: "image/png", content: Buffer.from("png"), contentId: "logo@x" },
        ],
      },
      true,
    ],
  ])("has_attachments agrees with read_email for %s, composed by nodemailer", async (_name, extra, expected) => {
    const { summary, read } = await summaryAndRead((await composeMessage({ ...BASE, ...extra })).raw);
    expect([summary.has_attachments, read.has_attachments]).toEqual([expected, expected]);
  });

  it("reads addresses, the encoded subject, the date and the Message-ID as read_email does", async () => {
    const { summary, read } = await summaryAndRead(
      (await composeMessage({ ...BASE, cc: [{ name: "Carl", address: "carl@example.net" }], attachments: [PDF] })).raw,
    );
    expect(summary).toMatchObject({
      from: read.from,
      to: read.to,
      cc: read.cc,
      subject: "Grüße",
      date: read.date,
      rfc822_message_id: "<m@example.org>",
    });
  });
});

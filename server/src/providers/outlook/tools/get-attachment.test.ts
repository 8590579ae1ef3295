// get_attachment on Outlook: the attachment of the message's MIME source with read_email's id and
// metadata, its bytes as sent; past the spec's cap (shortened here) attachment_over_read_limit.
import { randomBytes } from "node:crypto";
import type * as Generated from "@mcpemails/generated";
import type { GetAttachmentOutput, ReadEmailOutput } from "@mcpemails/generated";
import MailComposer from "nodemailer/lib/mail-composer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGraphFake, type GraphFakeSession } from "../../../../test/fakes/outlook/fake-session.js";
import { fakeOutlookInbox, type FakeOutlookInbox } from "../../../../test/fakes/outlook/fake-provider.js";

const { CAP_BYTES } = vi.hoisted(() => ({ CAP_BYTES: 4096 }));
vi.mock("@mcpemails/generated", async (importOriginal) => {
  const original = await importOriginal<typeof Generated>();
  return { ...original, LIMITS: { ...original.LIMITS, get_attachment_max_bytes: CAP_BYTES } };
});

const ADA = "ada@contoso.test";
const never = new AbortController().signal;
const SCAN = randomBytes(3000);
const NOTES = "Totals: 42 €\r\nSigned off.\r\n";
const LARGE = randomBytes(CAP_BYTES + 1);
let session: GraphFakeSession;
let ada: FakeOutlookInbox;
let messageId: string;
let described: ReadEmailOutput["attachments"];

async function attachment(message_id: string, attachment_id: string) {
  return ada.provider.get_attachment(ada.args("get_attachment", { message_id, attachment_id }), never);
}

beforeAll(async () => {
  session = startGraphFake();
  ada = await fakeOutlookInbox(session, ADA);
  const mime = await new MailComposer({
    from: "Bob Stone <bob@contoso.test>",
    to: ADA,
    subject: "Scans",
    text: "Three files.",
    attachments: [
      { filename: "scan.png", contentType: "image/png", content: SCAN },
      { filename: "notes.txt", contentType: "text/plain; charset=utf-8", content: NOTES, encoding: "utf8" },
      { filename: "large.bin", contentType: "application/octet-stream", content: LARGE },
    ],
  })
    .compile()
    .build();
  messageId = (await session.fake.seed(ADA, mime)).message.id;
  const read = (await ada.provider.read_email(
    ada.args("read_email", { message_id: messageId }),
    never,
  )) as ReadEmailOutput;
  described = read.attachments;
});
afterAll(async () => {
  await ada.provider.close();
  session.close();
});

describe("get_attachment on Outlook", () => {
  it("gives each attachment's bytes as sent, with the metadata read_email gave", async () => {
    expect(described.map((each) => each.filename)).toEqual(["scan.png", "notes.txt", "large.bin"]);
    for (const [index, bytes] of [SCAN, Buffer.from(NOTES)].entries()) {
      const { data, ...metadata } = (await attachment(
        messageId,
        described[index]!.attachment_id,
      )) as GetAttachmentOutput;
      expect(Buffer.from(data, "base64").equals(bytes), described[index]!.filename ?? "").toBe(true);
      expect(metadata).toEqual(described[index]);
    }
  });

  it("answers attachment_over_read_limit for an attachment past the cap, with its size", async () => {
    expect(await attachment(messageId, described[2]!.attachment_id)).toMatchObject({
      isError: true,
      errorCode: "attachment_over_read_limit",
      sizeBytes: LARGE.length,
      limitBytes: CAP_BYTES,
    });
  });

  it("answers attachment_not_found for an id the message does not have, message_not_found for a message the mailbox does not have", async () => {
    expect(await attachment(messageId, "9")).toMatchObject({ isError: true, errorCode: "attachment_not_found" });
    for (const unknown of [`${messageId.slice(0, -8)}AAAAAAAA`, "not an id"])
      expect(await attachment(unknown, "2"), unknown).toMatchObject({ isError: true, errorCode: "message_not_found" });
  });
});

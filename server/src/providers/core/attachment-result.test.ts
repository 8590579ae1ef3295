import { LIMITS } from "@mcpemails/generated";
import { describe, expect, it } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import { parseMessage } from "../../mail/parse.js";
import { attachmentFromSource, overReadLimit } from "./attachment-result.js";

const ARGS = { inbox_id: "3f7a8b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c", message_id: "m1" };

async function source(): Promise<string> {
  const composed = await composeMessage({
    from: { name: null, address: "alice@example.org" },
    to: [{ name: null, address: "bob@example.org" }],
    cc: [],
    subject: "Files",
    text: "Two files.",
    html: '<p>Two files.<img src="cid:logo@example.org"></p>',
    messageId: "<files@example.org>",
    date: new Date("2026-11-20T09:00:00Z"),
    attachments: [
      { filename: "notes.txt", contentType: "text/plain", content: Buffer.from("ünï notes\n") },
      {
        filename: "logo.png",
        contentType: "image/png",
        content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
        contentId: "logo@example.org",
      },
    ],
  });
  return composed.raw;
}

describe("get_attachment's answer from a message's source", () => {
  it("gives each attachment read_email describes, with the same metadata and its bytes", async () => {
    const raw = await source();
    const described = (await parseMessage(raw, { includeHtml: false, includeAttachments: false })).attachments;
    expect(described).toHaveLength(2);
    for (const attachment of described) {
      const answer = await attachmentFromSource(raw, { ...ARGS, attachment_id: attachment.attachment_id });
      expect(answer).toMatchObject(attachment);
      expect("data" in answer && Buffer.from(answer.data, "base64").length).toBe(attachment.size_bytes);
    }
  });

  it("answers attachment_not_found for an id the message does not have (the text part's too)", async () => {
    const raw = await source();
    for (const id of ["9", "1", ""])
      expect(await attachmentFromSource(raw, { ...ARGS, attachment_id: id })).toMatchObject({
        isError: true,
        errorCode: "attachment_not_found",
      });
  });

  it(`refuses an attachment over ${LIMITS.get_attachment_max_bytes} bytes, naming its size, before any download`, () => {
    const args = { ...ARGS, attachment_id: "2" };
    expect(overReadLimit(args, LIMITS.get_attachment_max_bytes)).toBeUndefined();
    expect(overReadLimit(args, LIMITS.get_attachment_max_bytes + 1)).toMatchObject({
      isError: true,
      errorCode: "attachment_over_read_limit",
      sizeBytes: LIMITS.get_attachment_max_bytes + 1,
      limitBytes: LIMITS.get_attachment_max_bytes,
    });
  });
});

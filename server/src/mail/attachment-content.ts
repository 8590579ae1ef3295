// One attachment of a raw source, found by the attachment_id read_email gave it: the same parse, so
// the same id, file name and media type, with its decoded content.
import type { Attachment } from "@mcpemails/generated";
import { describeAttachments, simpleParse } from "./parse.js";

export interface AttachmentContent {
  attachment: Attachment;
  content: Buffer;
}

export async function attachmentContent(
  raw: string | Buffer,
  attachmentId: string,
): Promise<AttachmentContent | undefined> {
  const parsed = await simpleParse(raw);
  const html = typeof parsed.html === "string" ? parsed.html : null;
  const described = describeAttachments(parsed.attachments, html, { includeHtml: false, includeAttachments: false });
  const index = described.findIndex((attachment) => attachment.attachment_id === attachmentId);
  const part = parsed.attachments[index];
  return index === -1 || part === undefined ? undefined : { attachment: described[index]!, content: part.content };
}

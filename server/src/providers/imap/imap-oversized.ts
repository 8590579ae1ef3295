// A message larger than limits.read_message_max_bytes is not fetched whole: read_email reads its
// first read_message_max_bytes (headers and, in practice, the text parts), flags the bodies as
// possibly cut, and describes every attachment from the BODYSTRUCTURE the server keeps, without
// data. One stranger's 200 MB message then costs the server no more than the cap.
import type { MessageStructureObject } from "imapflow";
import type { Attachment } from "@mcpemails/generated";
import { safeFilename } from "../../mail/filenames.js";
import type { ParsedMessage } from "../../mail/parse.js";
import { undoTransferEncoding } from "./imap-summary.js";

/**
 * What is read of an oversized message: its bodies as far as the first read_message_max_bytes
 * carried them (flagged cut), its attachments from the structure (data null when asked for).
 */
export function withoutCutParts(
  read: ParsedMessage,
  structure: MessageStructureObject | undefined,
  includeAttachments: boolean,
): ParsedMessage {
  const attachments = (structure === undefined ? [] : attachmentsFromStructure(structure)).map((attachment) =>
    includeAttachments ? attachment : withoutData(attachment),
  );
  return {
    ...read,
    attachments,
    has_attachments: attachments.some((attachment) => !attachment.inline),
    body_truncated: true,
    ...(typeof read.body_html === "string" ? { body_html_truncated: true } : {}),
  };
}

function withoutData({ data: _data, ...rest }: Attachment): Attachment {
  return rest;
}

/** The leaf parts that are attachments (anything but the text/plain and text/html bodies shown inline). */
export function attachmentsFromStructure(root: MessageStructureObject): Attachment[] {
  return attachmentParts(root).map((entry) => entry.attachment);
}

/** The attachment with that id and the part that holds it, as attachmentsFromStructure numbers them. */
export function attachmentPartOf(
  root: MessageStructureObject,
  attachmentId: string,
): { attachment: Attachment; node: MessageStructureObject } | undefined {
  return attachmentParts(root).find((entry) => entry.attachment.attachment_id === attachmentId);
}

function attachmentParts(
  root: MessageStructureObject,
): Array<{ attachment: Attachment; node: MessageStructureObject }> {
  const found: Array<{ attachment: Attachment; node: MessageStructureObject }> = [];
  const visit = (node: MessageStructureObject) => {
    if (node.childNodes !== undefined && node.childNodes.length > 0) {
      node.childNodes.forEach(visit);
      return;
    }
    const type = node.type.toLowerCase();
    const name = node.dispositionParameters?.filename ?? node.parameters?.name;
    const isBody = (type === "text/plain" || type === "text/html") && node.disposition !== "attachment";
    if (isBody && name === undefined) return;
    found.push({
      node,
      attachment: {
        attachment_id: node.part ?? "1",
        filename: name === undefined ? null : safeFilename(name),
        mime_type: type,
        size_bytes: decodedSize(node),
        inline: node.disposition === "inline" || (node.disposition === undefined && node.id !== undefined),
        content_id: node.id === undefined ? null : node.id.replace(/^<|>$/gu, ""),
        data: null,
      },
    });
  };
  visit(root);
  return found;
}

/** BODYSTRUCTURE gives the encoded size; base64 carries 3 bytes in 4 characters, plus a CRLF per 76. */
function decodedSize(node: MessageStructureObject): number {
  return decodedSizeWithLines(node, 76);
}

/**
 * Bytes the part decodes to at the least: base64 with lines as short as 60 characters (encoders write
 * 64 or 76), quoted-printable with every byte escaped. A part past the cap by this count is refused
 * before it is downloaded; one within it is downloaded and measured.
 */
export function decodedSizeAtLeast(node: MessageStructureObject): number {
  if (node.encoding?.toLowerCase() === "quoted-printable") return Math.floor((node.size ?? 0) / 3);
  return decodedSizeWithLines(node, 60);
}

function decodedSizeWithLines(node: MessageStructureObject, lineChars: number): number {
  const size = node.size ?? 0;
  if (node.encoding?.toLowerCase() !== "base64") return size;
  const withoutLineBreaks = size - Math.floor(size / (lineChars + 2)) * 2;
  return Math.floor((withoutLineBreaks * 3) / 4);
}

/** A whole part as BODY[<part>] gives it, decoded by its Content-Transfer-Encoding. */
export function decodePart(bytes: Buffer, encoding: string | undefined): Buffer {
  const name = encoding?.toLowerCase() ?? "7bit";
  if (name === "base64") return Buffer.from(bytes.toString("latin1"), "base64");
  return undoTransferEncoding(bytes, name);
}

// A message larger than limits.read_message_max_bytes is not fetched whole: read_email reads its
// first read_message_max_bytes (headers and, in practice, the text parts), flags the bodies as
// possibly cut, and describes every attachment from the BODYSTRUCTURE the server keeps, without
// data. One stranger's 200 MB message then costs the server no more than the cap.
import type { MessageStructureObject } from "imapflow";
import type { Attachment } from "@mcpemails/generated";
import { safeFilename } from "../../mail/filenames.js";
import type { ParsedMessage } from "../../mail/parse.js";

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
  const found: Attachment[] = [];
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
      attachment_id: node.part ?? "1",
      filename: name === undefined ? null : safeFilename(name),
      mime_type: type,
      size_bytes: decodedSize(node),
      inline: node.disposition === "inline" || (node.disposition === undefined && node.id !== undefined),
      content_id: node.id === undefined ? null : node.id.replace(/^<|>$/gu, ""),
      data: null,
    });
  };
  visit(root);
  return found;
}

/** BODYSTRUCTURE gives the encoded size; base64 carries 3 bytes in 4 characters, plus a CRLF per 76. */
function decodedSize(node: MessageStructureObject): number {
  const size = node.size ?? 0;
  if (node.encoding?.toLowerCase() !== "base64") return size;
  const withoutLineBreaks = size - Math.floor(size / 78) * 2;
  return Math.floor((withoutLineBreaks * 3) / 4);
}

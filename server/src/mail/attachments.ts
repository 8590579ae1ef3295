// The attachment limit of the spec (limits.attachments_max_total_bytes), counted in decoded bytes
// from the base64 length alone: the data is decoded once, later, by the composer.
import { attachmentTooLarge, LIMITS, type AttachmentInput, type ExecutionErrorResult } from "@mcpemails/generated";

/**
 * Bytes that base64 text decodes to (standard alphabet, padding optional, as the schema's base64
 * format allows). Arithmetic rather than Buffer.byteLength(data, "base64"), which gives the same
 * number but reads the whole string for its padding; this looks at the last two characters only.
 */
export function decodedBase64Length(data: string): number {
  let length = data.length;
  while (length > 0 && data.charCodeAt(length - 1) === 0x3d /* = */ && data.length - length < 2) length--;
  return Math.floor((length * 3) / 4);
}

/** The decoded size of all attachments together. */
export function totalAttachmentBytes(attachments: readonly Pick<AttachmentInput, "data">[]): number {
  return attachments.reduce((total, attachment) => total + decodedBase64Length(attachment.data), 0);
}

/** attachment_too_large when the attachments total more than the limit, else undefined. */
export function checkAttachmentSize(
  attachments: readonly Pick<AttachmentInput, "data">[],
  limitBytes: number = LIMITS.attachments_max_total_bytes,
): ExecutionErrorResult<"attachment_too_large"> | undefined {
  const totalBytes = totalAttachmentBytes(attachments);
  return totalBytes > limitBytes ? attachmentTooLarge({ totalBytes, limitBytes }) : undefined;
}

// get_attachment's answer, the same on every provider: the attachment read_email described, with its
// data, unless it passes the spec's cap (then attachment_over_read_limit, never a cut file).
import {
  attachmentNotFound,
  attachmentOverReadLimit,
  LIMITS,
  type ExecutionErrorResult,
  type GetAttachmentArgs,
  type GetAttachmentOutput,
} from "@mcpemails/generated";
import { attachmentContent } from "../../mail/attachment-content.js";

type AttachmentAnswer =
  GetAttachmentOutput | ExecutionErrorResult<"attachment_not_found" | "attachment_over_read_limit">;

/** attachment_over_read_limit for a size the provider knows before downloading; undefined when it fits. */
export function overReadLimit(
  args: GetAttachmentArgs,
  sizeBytes: number,
): ExecutionErrorResult<"attachment_over_read_limit"> | undefined {
  if (sizeBytes <= LIMITS.get_attachment_max_bytes) return undefined;
  return attachmentOverReadLimit({
    attachment_id: args.attachment_id,
    sizeBytes,
    limitBytes: LIMITS.get_attachment_max_bytes,
  });
}

/** The attachment of the message's raw source with args.attachment_id. */
export async function attachmentFromSource(raw: string | Buffer, args: GetAttachmentArgs): Promise<AttachmentAnswer> {
  const found = await attachmentContent(raw, args.attachment_id);
  if (found === undefined)
    return attachmentNotFound({ attachment_id: args.attachment_id, message_id: args.message_id });
  return overReadLimit(args, found.content.length) ?? { ...found.attachment, data: found.content.toString("base64") };
}

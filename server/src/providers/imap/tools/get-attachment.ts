// One attachment of a message. Its size is checked from BODYSTRUCTURE before anything is downloaded:
// a part that must decode past the cap is refused unread. A message within read_message_max_bytes is
// then read whole (BODY.PEEK[]) and parsed as read_email parses it, so that the id and metadata are
// read_email's; an oversized one, whose attachments read_email described from BODYSTRUCTURE, has
// only the part fetched (BODY.PEEK[<part>]) and decoded by its Content-Transfer-Encoding.
import {
  attachmentNotFound,
  LIMITS,
  type Attachment,
  type ExecutionErrorResult,
  type GetAttachmentArgs,
} from "@mcpemails/generated";
import { attachmentFromSource, overReadLimit } from "../../core/attachment-result.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { messageRefOf, noSuchMessage } from "../imap-message-ref.js";
import { attachmentPartOf, decodedSizeAtLeast, decodePart } from "../imap-oversized.js";
import { selectFolderOf } from "../imap-select.js";

type Found =
  | { kind: "refused"; refused: ExecutionErrorResult<"attachment_over_read_limit"> }
  | { kind: "whole"; source: Buffer }
  | { kind: "missing" }
  | { kind: "part"; attachment: Attachment; content: Buffer };

export async function getAttachment(context: ImapContext, args: GetAttachmentArgs, call: ToolCall) {
  const ref = messageRefOf(args.message_id);
  const uid = String(ref.uid);
  const found = await context.pool.use(
    async (connection): Promise<Found | undefined> => {
      if (!(await selectFolderOf(connection, ref))) return undefined;
      const message = await connection.client.fetchOne(
        uid,
        { uid: true, size: true, bodyStructure: true },
        { uid: true },
      );
      if (message === false || message.uid !== ref.uid || message.bodyStructure === undefined) return undefined;
      const described = attachmentPartOf(message.bodyStructure, args.attachment_id);
      const refused =
        described !== undefined && decodedSizeAtLeast(described.node) > LIMITS.get_attachment_max_bytes
          ? overReadLimit(args, described.attachment.size_bytes)
          : undefined;
      if (refused !== undefined) return { kind: "refused", refused };
      if ((message.size ?? 0) <= LIMITS.read_message_max_bytes) {
        const whole = await connection.client.fetchOne(uid, { uid: true, source: true }, { uid: true });
        const source = whole === false ? undefined : whole.source;
        return source === undefined ? undefined : { kind: "whole", source };
      }
      if (described === undefined) return { kind: "missing" };
      const part = described.node.part ?? "1";
      const fetched = await connection.client.fetchOne(uid, { uid: true, bodyParts: [part] }, { uid: true });
      const bytes = fetched === false ? undefined : fetched.bodyParts?.get(part);
      if (bytes === undefined) return undefined;
      return { kind: "part", attachment: described.attachment, content: decodePart(bytes, described.node.encoding) };
    },
    { retryOnDrop: true, signal: call.signal },
  );
  if (found === undefined) throw noSuchMessage();
  if (found.kind === "refused") return found.refused;
  if (found.kind === "whole") return attachmentFromSource(found.source, args);
  if (found.kind === "missing")
    return attachmentNotFound({ attachment_id: args.attachment_id, message_id: args.message_id });
  const { attachment, content } = found;
  return (
    overReadLimit(args, content.length) ?? {
      ...attachment,
      size_bytes: content.length,
      data: content.toString("base64"),
    }
  );
}

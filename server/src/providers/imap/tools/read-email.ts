// One message by id: its source (BODY.PEEK, up to the read limit; an oversized message without the
// parts the limit cut, read from its BODYSTRUCTURE), parsed like every provider's, with the flags,
// folder and size the server holds. Only an explicit mark_as_read sets \Seen.
import { LIMITS, type ReadEmailArgs, type ReadEmailOutput } from "@mcpemails/generated";
import { parseMessage, readOptions } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { threadIdOf } from "../imap-message-id.js";
import { messageRefOf, noSuchMessage } from "../imap-message-ref.js";
import { withoutCutParts } from "../imap-oversized.js";
import { selectFolderOf } from "../imap-select.js";
import { sentDate } from "../imap-summary.js";

export async function readEmail(context: ImapContext, args: ReadEmailArgs, call: ToolCall): Promise<ReadEmailOutput> {
  const ref = messageRefOf(args.message_id);
  const found = await context.pool.use(
    async (connection) => {
      const map = await context.folders(connection);
      if (!(await selectFolderOf(connection, ref, args.mark_as_read ? "write" : "read"))) return undefined;
      const uid = String(ref.uid);
      const message = await connection.client.fetchOne(
        uid,
        {
          uid: true,
          flags: true,
          internalDate: true,
          size: true,
          source: { maxLength: LIMITS.read_message_max_bytes },
        },
        { uid: true },
      );
      if (message === false || message.uid !== ref.uid || message.source === undefined) return undefined;
      const oversized = (message.size ?? 0) > LIMITS.read_message_max_bytes;
      const structure = oversized
        ? await connection.client.fetchOne(uid, { bodyStructure: true }, { uid: true })
        : false;
      const wasUnread = !(message.flags?.has("\\Seen") ?? false);
      // Safe to repeat after a drop: adding \Seen twice is adding it once.
      if (args.mark_as_read && wasUnread) await connection.client.messageFlagsAdd(uid, ["\\Seen"], { uid: true });
      return {
        message,
        source: message.source,
        unread: wasUnread && !args.mark_as_read,
        folder: map.nameOf(ref.path),
        structure: structure === false ? undefined : structure.bodyStructure,
      };
    },
    { retryOnDrop: true, signal: call.signal },
  );
  if (found === undefined) throw noSuchMessage();
  const whole = found.structure === undefined;
  const read = await parseMessage(found.source, {
    ...readOptions(args),
    includeAttachments: args.include_attachments && whole,
  });
  const parsed = whole ? read : withoutCutParts(read, found.structure, args.include_attachments);
  return {
    ...parsed,
    id: args.message_id,
    thread_id: threadIdOf({
      references: parsed.references,
      inReplyTo: parsed.in_reply_to,
      messageId: parsed.rfc822_message_id,
    }),
    folder: found.folder,
    date: parsed.date ?? sentDate(undefined, found.message.internalDate),
    unread: found.unread,
    size_bytes: found.message.size ?? found.source.length,
  };
}

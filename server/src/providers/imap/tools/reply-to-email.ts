// A reply to a message of the inbox: its source read (BODY.PEEK) for the threading headers and the
// recipients, then sent like a new message (imap-send.ts).
import type { ReplyToEmailArgs } from "@mcpemails/generated";
import { isRefusal, prepareReply } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { messageRefOf, noSuchMessage } from "../imap-message-ref.js";
import { selectFolderOf } from "../imap-select.js";
import { sendOutgoing } from "../imap-send.js";

export async function replyToEmail(context: ImapContext, args: ReplyToEmailArgs, call: ToolCall) {
  const ref = messageRefOf(args.message_id);
  const source = await context.pool.use(
    async (connection) => {
      if (!(await selectFolderOf(connection, ref))) return undefined;
      const message = await connection.client.fetchOne(String(ref.uid), { uid: true, source: true }, { uid: true });
      return message === false || message.uid !== ref.uid ? undefined : message.source;
    },
    { retryOnDrop: true, signal: call.signal },
  );
  if (source === undefined) throw noSuchMessage();
  const original = await parseMessage(source, { includeHtml: false, includeAttachments: false });
  const outgoing = checkedOutgoing(prepareReply(original, args, context.ownAddresses), call);
  return isRefusal(outgoing) ? outgoing : sendOutgoing(context, outgoing, () => "message_id", call);
}

// A reply: the original's raw source read for its threading headers and recipients, then sent in
// the original's Gmail thread (threadId in the upload's metadata).
import type { ReplyToEmailArgs } from "@mcpemails/generated";
import { isRefusal, prepareReply } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { rawMessage } from "../gmail-raw.js";
import { sendThroughGmail } from "../gmail-send.js";

export async function replyToEmail(context: GmailContext, args: ReplyToEmailArgs, call: ToolCall) {
  const original = await rawMessage(context, args.message_id, call.signal);
  const parsed = await parseMessage(original.raw, { includeHtml: false, includeAttachments: false });
  const outgoing = checkedOutgoing(prepareReply(parsed, args, context.ownAddresses), call);
  return isRefusal(outgoing) ? outgoing : sendThroughGmail(context, outgoing, original.message.threadId ?? null, call);
}

import type { ExecutionErrorResult, ReplyToEmailArgs, ReplyToEmailErrorCode } from "@mcpemails/generated";
import { isRefusal, prepareReply } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SentMessage } from "../../provider.js";
import { notFound, unreadable, type SandboxContext } from "../sandbox-context.js";
import { dispatch } from "../sandbox-dispatch.js";
import { readSandboxEntry } from "../sandbox-message.js";

export async function replyToEmail(
  context: SandboxContext,
  args: ReplyToEmailArgs,
  call: ToolCall,
): Promise<SentMessage | ExecutionErrorResult<ReplyToEmailErrorCode>> {
  const stored = await context.mailbox.getSandboxMessage(context.inbox.id, args.message_id);
  if (stored === undefined) throw notFound(args.message_id);
  const entry = readSandboxEntry(stored);
  if (entry === undefined) throw unreadable(context);
  const original = await parseMessage(entry.data.raw, { includeHtml: false, includeAttachments: false });
  const outgoing = checkedOutgoing(prepareReply(original, args, context.ownAddresses), call);
  if (isRefusal(outgoing)) return outgoing;
  return dispatch(context, { ...outgoing, threadId: entry.data.thread_id }, call);
}

// A new message, sent through a draft (outlook-send.ts).
import type { ExecutionErrorResult, SendEmailArgs, SendEmailErrorCode } from "@mcpemails/generated";
import { isRefusal, prepareSend } from "../../../mail/outgoing.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SentMessage } from "../../provider.js";
import type { OutlookContext } from "../outlook-context.js";
import { sendThroughGraph } from "../outlook-send.js";

export async function sendEmail(
  context: OutlookContext,
  args: SendEmailArgs,
  call: ToolCall,
): Promise<SentMessage | ExecutionErrorResult<SendEmailErrorCode>> {
  const outgoing = checkedOutgoing(prepareSend(args), call);
  if (isRefusal(outgoing)) return outgoing;
  const from = { name: null, address: context.address };
  const sent = await sendThroughGraph(context.graph, outgoing, from, context.now(), call, context.sentCopyWaitMs);
  return { message_id: sent.messageId, thread_id: sent.conversationId, rfc822_message_id: sent.rfc822MessageId };
}

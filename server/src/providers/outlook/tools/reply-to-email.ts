// A reply in the original's conversation: the original's MIME source (for its headers and quoted
// text) and its conversation, then a send through a draft (outlook-send.ts).
import type { Message } from "@microsoft/microsoft-graph-types";
import type { ExecutionErrorResult, ReplyToEmailArgs, ReplyToEmailErrorCode } from "@mcpemails/generated";
import { isRefusal, prepareReply } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import { ProviderFailure } from "../../core/provider-failure.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SentMessage } from "../../provider.js";
import { messagePath } from "../graph-ids.js";
import type { OutlookContext } from "../outlook-context.js";
import { sendThroughGraph } from "../outlook-send.js";

export async function replyToEmail(
  context: OutlookContext,
  args: ReplyToEmailArgs,
  call: ToolCall,
): Promise<SentMessage | ExecutionErrorResult<ReplyToEmailErrorCode>> {
  const { graph } = context;
  const { signal } = call;
  const path = messagePath(args.message_id);
  const [raw, meta] = await Promise.all([
    graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
    graph.json<Message>({ method: "GET", path, query: { $select: "conversationId" }, signal }),
  ]);
  const original = await parseMessage(raw, { includeHtml: false, includeAttachments: false });
  const outgoing = checkedOutgoing(prepareReply(original, args, context.ownAddresses), call);
  if (isRefusal(outgoing)) return outgoing;
  const from = { name: null, address: context.address };
  try {
    const sent = await sendThroughGraph(graph, outgoing, from, context.now(), call, context.sentCopyWaitMs);
    return {
      message_id: sent.messageId,
      thread_id: sent.conversationId ?? meta.conversationId ?? null,
      rfc822_message_id: sent.rfc822MessageId,
    };
  } catch (error) {
    // The original was found: Graph not finding the draft it just made is not message_not_found.
    if (error instanceof ProviderFailure && error.kind === "not_found")
      throw new ProviderFailure("refused", error.detail, error.retryAfterSeconds);
    throw error;
  }
}

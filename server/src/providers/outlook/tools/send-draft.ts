// The draft as stored, sent by Graph (Exchange files it in Sent Items under the same immutable id).
// A draft Graph refuses stays in Drafts for the agent to fix.
import type { SendDraftArgs } from "@mcpemails/generated";
import { draftContent, unsendable } from "../../../mail/drafts.js";
import { simpleParse } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SentMessage } from "../../provider.js";
import type { OutlookContext } from "../outlook-context.js";
import { storedDraft } from "../outlook-drafts.js";
import { sendGraphDraft } from "../outlook-send.js";

export async function sendDraft(context: OutlookContext, args: SendDraftArgs, call: ToolCall) {
  const draft = await storedDraft(context, args.draft_id, call.signal);
  const content = await draftContent(draft.raw);
  const refused = unsendable(args.draft_id, content) ?? call.checkOutgoing(content);
  if (refused) return refused;
  const messageId = (await simpleParse(draft.raw)).messageId ?? "";
  const sent = await sendGraphDraft(context.graph, draft, messageId, call, {
    deleteOnRefusal: false,
    sentCopyWaitMs: context.sentCopyWaitMs,
  });
  const result: SentMessage = {
    message_id: sent.messageId,
    thread_id: sent.conversationId,
    rfc822_message_id: sent.rfc822MessageId,
  };
  return result;
}

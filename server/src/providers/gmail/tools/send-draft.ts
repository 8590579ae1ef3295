// The draft as stored, sent by drafts.send (Gmail files it in SENT and removes the draft). Checked
// first for recipients, so that a draft Gmail would refuse is draft_not_sendable; the access token is
// fetched before the hand-over, as sends do.
import type { SendDraftArgs } from "@mcpemails/generated";
import { draftContent, unsendable } from "../../../mail/drafts.js";
import { simpleParse } from "../../../mail/parse.js";
import { normalizeMessageId } from "../../../mail/threading.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SentMessage } from "../../provider.js";
import type { GmailContext } from "../gmail-context.js";
import { checkedDraftId, draftSource } from "../gmail-drafts.js";

export async function sendDraft(context: GmailContext, args: SendDraftArgs, call: ToolCall) {
  const { calls } = context;
  const draft = await draftSource(context, args.draft_id, call.signal);
  const content = await draftContent(draft.raw);
  const refused = unsendable(args.draft_id, content) ?? call.checkOutgoing(content);
  if (refused) return refused;
  const messageId = (await simpleParse(draft.raw)).messageId;
  await calls.call(() => calls.oauth.getAccessToken(), call.signal, true);
  call.signal.throwIfAborted();
  call.handingOver();
  const sent = (
    await calls.call(
      (options) =>
        calls.api.users.drafts.send({ userId: "me", requestBody: { id: checkedDraftId(args.draft_id) } }, options),
      call.signal,
      false,
    )
  ).data;
  const result: SentMessage = {
    message_id: sent.id ?? null,
    thread_id: sent.threadId ?? draft.threadId,
    rfc822_message_id: (messageId === undefined ? null : normalizeMessageId(messageId)) ?? "",
  };
  return result;
}

// The draft with the fields given replaced: the new one APPENDed, then the old one deleted; the new id answered.
import type { UpdateDraftArgs } from "@mcpemails/generated";
import { draftContent, draftOutput, mergeDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { composeDraft } from "../imap-draft-compose.js";
import { appendDraft, draftSource, removeDraft } from "../imap-drafts.js";
import { threadIdOf } from "../imap-message-id.js";

export async function updateDraft(context: ImapContext, args: UpdateDraftArgs, call: ToolCall) {
  const current = await draftSource(context, args.draft_id, call);
  const content = mergeDraft(await draftContent(current.source), args);
  if (isRefusal(content)) return content;
  const composed = await composeDraft(context, content);
  call.signal.throwIfAborted();
  const draftId = await appendDraft(context, composed.rawWithBcc, composed.messageId);
  await removeDraft(context, current.ref);
  const threadId = threadIdOf({
    references: content.references,
    inReplyTo: content.inReplyTo,
    messageId: composed.messageId,
  });
  return draftOutput({ draftId, messageId: draftId, threadId }, content, composed.messageId);
}

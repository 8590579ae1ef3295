// The draft with the fields given replaced (drafts.update keeps the draft id and gives its message a new one).
import type { UpdateDraftArgs } from "@mcpemails/generated";
import { draftContent, draftOutput, mergeDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { composeDraft, draftSource, saveDraft } from "../gmail-drafts.js";

export async function updateDraft(context: GmailContext, args: UpdateDraftArgs, call: ToolCall) {
  const current = await draftSource(context, args.draft_id, call.signal);
  const content = mergeDraft(await draftContent(current.raw), args);
  if (isRefusal(content)) return content;
  const composed = await composeDraft(context, content);
  const saved = await saveDraft(context, composed.rawWithBcc, current.threadId, call.signal, args.draft_id);
  return draftOutput(
    {
      draftId: saved.id ?? args.draft_id,
      messageId: saved.message?.id ?? null,
      threadId: saved.message?.threadId ?? null,
    },
    content,
    composed.messageId,
  );
}

// The draft with the fields given replaced: a new draft, then the old one deleted; the new id answered.
import type { UpdateDraftArgs } from "@mcpemails/generated";
import { draftContent, draftOutput, mergeDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { OutlookContext } from "../outlook-context.js";
import { deleteStoredDraft, storedDraft } from "../outlook-drafts.js";
import { createGraphDraft } from "../outlook-send.js";

export async function updateDraft(context: OutlookContext, args: UpdateDraftArgs, call: ToolCall) {
  const current = await storedDraft(context, args.draft_id, call.signal);
  const content = mergeDraft(await draftContent(current.raw), args);
  if (isRefusal(content)) return content;
  const from = { name: null, address: context.address };
  const { draft, messageId } = await createGraphDraft(context.graph, content, from, context.now(), call.signal);
  await deleteStoredDraft(context, current.id, call.signal);
  const id = draft.id ?? "";
  return draftOutput(
    { draftId: id, messageId: id, threadId: draft.conversationId ?? current.conversationId },
    content,
    messageId,
  );
}

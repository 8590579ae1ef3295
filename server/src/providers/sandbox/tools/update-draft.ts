// The draft with the fields given replaced, in place.
import type { UpdateDraftArgs } from "@mcpemails/generated";
import { draftContent, mergeDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SandboxContext } from "../sandbox-context.js";
import { fileDraft, storedDraft } from "../sandbox-drafts.js";

export async function updateDraft(context: SandboxContext, args: UpdateDraftArgs, call: ToolCall) {
  const draft = await storedDraft(context, args.draft_id);
  const content = mergeDraft(await draftContent(draft.data.raw), args);
  if (isRefusal(content)) return content;
  return fileDraft(context, content, { id: draft.message.id, threadId: draft.data.thread_id }, call);
}

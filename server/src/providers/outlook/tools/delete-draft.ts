import type { DeleteDraftArgs, DeleteDraftOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { OutlookContext } from "../outlook-context.js";
import { deleteStoredDraft, storedDraft } from "../outlook-drafts.js";

export async function deleteDraft(
  context: OutlookContext,
  args: DeleteDraftArgs,
  call: ToolCall,
): Promise<DeleteDraftOutput> {
  const draft = await storedDraft(context, args.draft_id, call.signal);
  await deleteStoredDraft(context, draft.id, call.signal);
  return { draft_id: args.draft_id, deleted: true };
}

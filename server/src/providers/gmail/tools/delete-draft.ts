import type { DeleteDraftArgs, DeleteDraftOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { checkedDraftId } from "../gmail-drafts.js";

export async function deleteDraft(
  context: GmailContext,
  args: DeleteDraftArgs,
  call: ToolCall,
): Promise<DeleteDraftOutput> {
  const { calls } = context;
  const id = checkedDraftId(args.draft_id);
  // Not repeated: a delete whose answer was lost would answer 404 the second time.
  await calls.call((options) => calls.api.users.drafts.delete({ userId: "me", id }, options), call.signal, false);
  return { draft_id: args.draft_id, deleted: true };
}

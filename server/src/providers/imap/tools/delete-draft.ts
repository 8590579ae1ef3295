import type { DeleteDraftArgs, DeleteDraftOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { draftSource, removeDraft } from "../imap-drafts.js";

export async function deleteDraft(
  context: ImapContext,
  args: DeleteDraftArgs,
  call: ToolCall,
): Promise<DeleteDraftOutput> {
  const { ref } = await draftSource(context, args.draft_id, call);
  await removeDraft(context, ref);
  return { draft_id: args.draft_id, deleted: true };
}

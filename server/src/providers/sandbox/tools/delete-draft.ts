import type { DeleteDraftArgs, DeleteDraftOutput } from "@mcpemails/generated";
import type { SandboxContext } from "../sandbox-context.js";
import { storedDraft } from "../sandbox-drafts.js";

export async function deleteDraft(context: SandboxContext, args: DeleteDraftArgs): Promise<DeleteDraftOutput> {
  const draft = await storedDraft(context, args.draft_id);
  await context.mailbox.deleteSandboxMessages(context.inbox.id, [draft.message.id]);
  return { draft_id: args.draft_id, deleted: true };
}

import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import { loadSummaries, type SandboxContext } from "../sandbox-context.js";
import { sandboxPage } from "../sandbox-page.js";

export async function listInbox(context: SandboxContext, args: ListInboxArgs): Promise<ListInboxOutput> {
  const entries = await loadSummaries(context, context.inbox.id, args.folder);
  return sandboxPage(
    entries.filter(({ message }) => message.folder === args.folder && (!args.unread_only || message.unread)),
    args,
  );
}

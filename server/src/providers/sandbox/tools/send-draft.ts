// The draft as stored, sent like any message of the inbox, then taken out of DRAFTS.
import type { SendDraftArgs } from "@mcpemails/generated";
import { draftContent, unsendable } from "../../../mail/drafts.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SandboxContext } from "../sandbox-context.js";
import { dispatch } from "../sandbox-dispatch.js";
import { storedDraft } from "../sandbox-drafts.js";

export async function sendDraft(context: SandboxContext, args: SendDraftArgs, call: ToolCall) {
  const draft = await storedDraft(context, args.draft_id);
  const content = await draftContent(draft.data.raw);
  const refused = unsendable(args.draft_id, content) ?? call.checkOutgoing(content);
  if (refused) return refused;
  const sent = await dispatch(context, { ...content, threadId: draft.data.thread_id }, call);
  await context.mailbox.deleteSandboxMessages(context.inbox.id, [draft.message.id]);
  return sent;
}

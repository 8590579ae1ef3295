// The draft as stored, sent over SMTP like any message (imap-send.ts, its copy filed in Sent), then
// deleted from Drafts.
import type { SendDraftArgs } from "@mcpemails/generated";
import { draftContent, unsendable } from "../../../mail/drafts.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { draftSource, removeDraft } from "../imap-drafts.js";
import { sendOutgoing } from "../imap-send.js";

export async function sendDraft(context: ImapContext, args: SendDraftArgs, call: ToolCall) {
  const draft = await draftSource(context, args.draft_id, call);
  const content = await draftContent(draft.source);
  const refused = unsendable(args.draft_id, content) ?? call.checkOutgoing(content);
  if (refused) return refused;
  const sent = await sendOutgoing(context, content, () => "draft_id", call);
  if ("isError" in sent) return sent;
  // Sent: a draft left behind is not worth an error that would have the caller send it again.
  await removeDraft(context, draft.ref).catch(() => undefined);
  return sent;
}

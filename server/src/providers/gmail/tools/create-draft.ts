// A Gmail draft: new, or a reply draft in the original's thread (its source read for the recipients
// and threading headers).
import type { CreateDraftArgs } from "@mcpemails/generated";
import { draftOutput, prepareDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { composeDraft, saveDraft } from "../gmail-drafts.js";
import { rawMessage } from "../gmail-raw.js";

export async function createDraft(context: GmailContext, args: CreateDraftArgs, call: ToolCall) {
  const original = args.message_id === undefined ? undefined : await rawMessage(context, args.message_id, call.signal);
  const parsed =
    original === undefined
      ? undefined
      : await parseMessage(original.raw, { includeHtml: false, includeAttachments: false });
  const content = prepareDraft(args, parsed, context.ownAddresses);
  if (isRefusal(content)) return content;
  const composed = await composeDraft(context, content);
  const saved = await saveDraft(context, composed.rawWithBcc, original?.message.threadId ?? null, call.signal);
  return draftOutput(
    { draftId: saved.id ?? "", messageId: saved.message?.id ?? null, threadId: saved.message?.threadId ?? null },
    content,
    composed.messageId,
  );
}

// A draft APPENDed to Drafts: new, or a reply draft to a message of the inbox (its source read for
// the recipients and threading headers).
import type { CreateDraftArgs } from "@mcpemails/generated";
import { draftOutput, prepareDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { composeDraft } from "../imap-draft-compose.js";
import { appendDraft } from "../imap-drafts.js";
import { threadIdOf } from "../imap-message-id.js";
import { messageSource } from "../imap-message-source.js";

export async function createDraft(context: ImapContext, args: CreateDraftArgs, call: ToolCall) {
  const original =
    args.message_id === undefined
      ? undefined
      : await parseMessage(await messageSource(context, args.message_id, call), {
          includeHtml: false,
          includeAttachments: false,
        });
  const content = prepareDraft(args, original, context.ownAddresses);
  if (isRefusal(content)) return content;
  const composed = await composeDraft(context, content);
  call.signal.throwIfAborted();
  const draftId = await appendDraft(context, composed.rawWithBcc, composed.messageId);
  const threadId = threadIdOf({
    references: content.references,
    inReplyTo: content.inReplyTo,
    messageId: composed.messageId,
  });
  return draftOutput({ draftId, messageId: draftId, threadId }, content, composed.messageId);
}

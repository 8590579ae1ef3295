// A new draft, or a reply draft in the thread of the message it answers.
import type { CreateDraftArgs } from "@mcpemails/generated";
import { prepareDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { notFound, unreadable, type SandboxContext } from "../sandbox-context.js";
import { fileDraft } from "../sandbox-drafts.js";
import { readSandboxEntry } from "../sandbox-message.js";

export async function createDraft(context: SandboxContext, args: CreateDraftArgs, call: ToolCall) {
  let original;
  let threadId: string | null = null;
  if (args.message_id !== undefined) {
    const stored = await context.mailbox.getSandboxMessage(context.inbox.id, args.message_id);
    if (stored === undefined) throw notFound(args.message_id);
    const entry = readSandboxEntry(stored);
    if (entry === undefined) throw unreadable(context);
    original = await parseMessage(entry.data.raw, { includeHtml: false, includeAttachments: false });
    threadId = entry.data.thread_id;
  }
  const content = prepareDraft(args, original, context.ownAddresses);
  if (isRefusal(content)) return content;
  return fileDraft(context, content, { threadId }, call);
}

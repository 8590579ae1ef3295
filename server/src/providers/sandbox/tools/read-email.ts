import type { ReadEmailArgs, ReadEmailOutput } from "@mcpemails/generated";
import { parseMessage, readOptions } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { notFound, unreadable, type SandboxContext } from "../sandbox-context.js";
import { readSandboxEntry, toSummary } from "../sandbox-message.js";

export async function readEmail(
  context: SandboxContext,
  args: ReadEmailArgs,
  call: ToolCall,
): Promise<ReadEmailOutput> {
  const stored = await context.mailbox.getSandboxMessage(context.inbox.id, args.message_id);
  if (stored === undefined) throw notFound(args.message_id);
  const entry = readSandboxEntry(stored);
  if (entry === undefined) throw unreadable(context);
  const parsed = await parseMessage(entry.data.raw, readOptions(args));
  // Only an explicit mark_as_read changes anything; the result shows the state after the call.
  if (args.mark_as_read && stored.unread) {
    call.signal.throwIfAborted();
    await context.mailbox.putSandboxMessages([{ ...stored, unread: false }]);
  }
  return {
    ...toSummary(entry),
    unread: stored.unread && !args.mark_as_read,
    reply_to: parsed.reply_to,
    bcc: parsed.bcc,
    in_reply_to: parsed.in_reply_to,
    references: parsed.references,
    body_text: parsed.body_text,
    body_truncated: parsed.body_truncated,
    ...(args.include_html
      ? { body_html: parsed.body_html ?? null, body_html_truncated: parsed.body_html_truncated ?? false }
      : {}),
    attachments: parsed.attachments,
  };
}

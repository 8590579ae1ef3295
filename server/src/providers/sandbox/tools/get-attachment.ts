// One attachment of a stored message, from its source.
import type { GetAttachmentArgs } from "@mcpemails/generated";
import { attachmentFromSource } from "../../core/attachment-result.js";
import { notFound, unreadable, type SandboxContext } from "../sandbox-context.js";
import { readSandboxEntry } from "../sandbox-message.js";

export async function getAttachment(context: SandboxContext, args: GetAttachmentArgs) {
  const stored = await context.mailbox.getSandboxMessage(context.inbox.id, args.message_id);
  if (stored === undefined) throw notFound(args.message_id);
  const entry = readSandboxEntry(stored);
  if (entry === undefined) throw unreadable(context);
  return attachmentFromSource(entry.data.raw, args);
}

// A sandbox draft is a message of the inbox's DRAFTS folder; its draft_id is its message id, kept
// across updates (the store replaces a message in place, which IMAP cannot).
import { randomUUID } from "node:crypto";
import type { Draft } from "@mcpemails/generated";
import { draftOutput } from "../../mail/drafts.js";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import { newMessageId } from "../core/message-id.js";
import type { ToolCall } from "../core/provider-tools.js";
import { SANDBOX_DOMAIN } from "./address.js";
import { notFound, unreadable, type SandboxContext } from "./sandbox-context.js";
import { placeMessage, readSandboxEntry, summarizeSource, type SandboxEntry } from "./sandbox-message.js";
import { pruneOldest } from "./sandbox-storage.js";

/** The draft with this id; not_found when the inbox's DRAFTS has none (sent, deleted, or not a draft). */
export async function storedDraft(context: SandboxContext, draftId: string): Promise<SandboxEntry> {
  const stored = await context.mailbox.getSandboxMessage(context.inbox.id, draftId);
  if (stored === undefined || stored.folder !== "DRAFTS") throw notFound(draftId);
  const entry = readSandboxEntry(stored);
  if (entry === undefined) throw unreadable(context);
  return entry;
}

/** Files the draft in DRAFTS, as a new one or in place of the draft with `id`. */
export async function fileDraft(
  context: SandboxContext,
  content: OutgoingMessage,
  place: { id?: string; threadId: string | null },
  call: ToolCall,
): Promise<Draft> {
  const id = place.id ?? randomUUID();
  const threadId = place.threadId ?? id;
  const savedAt = context.now();
  const composed = await composeOutgoing(content, {
    from: { name: null, address: context.sender },
    messageId: newMessageId(context.sender, SANDBOX_DOMAIN),
    date: savedAt,
  });
  // The owner's copy keeps its Bcc, as every mail client's draft does.
  const source = await summarizeSource(composed.rawWithBcc, savedAt);
  call.signal.throwIfAborted();
  await context.mailbox.putSandboxMessages([
    placeMessage(source, { inboxId: context.inbox.id, id, folder: "DRAFTS", unread: false, threadId }),
  ]);
  await pruneOldest(context.mailbox, context.inbox.id, context.maxInboxBytes, new Set([id]));
  return draftOutput({ draftId: id, messageId: id, threadId }, content, composed.messageId);
}

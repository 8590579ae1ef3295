// A sandbox send: filed in SENT and delivered to every sandbox inbox of the workspace it is addressed
// to; nothing leaves the server.
import { randomUUID } from "node:crypto";
import type { Address } from "@mcpemails/generated";
import { uniqueAddresses } from "../../mail/addresses.js";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import type { InboxRecord, SandboxMessage } from "../../store/store.js";
import { newMessageId } from "../core/message-id.js";
import type { ToolCall } from "../core/provider-tools.js";
import type { SentMessage } from "../provider.js";
import { SANDBOX_DOMAIN } from "./address.js";
import { loadSummaries, type SandboxContext } from "./sandbox-context.js";
import { placeMessage, summarizeSource } from "./sandbox-message.js";
import { pruneOldest } from "./sandbox-storage.js";

export interface SandboxOutgoing extends OutgoingMessage {
  /** The thread a reply joins; a new message starts its own. */
  threadId: string | null;
}

export async function dispatch(
  context: SandboxContext,
  outgoing: SandboxOutgoing,
  call: ToolCall,
): Promise<SentMessage> {
  const { inbox, mailbox } = context;
  const sentAt = context.now();
  const id = randomUUID();
  const threadId = outgoing.threadId ?? id;
  const composed = await composeOutgoing(outgoing, {
    from: { name: null, address: context.sender },
    messageId: newMessageId(context.sender, SANDBOX_DOMAIN),
    date: sentAt,
  });
  // Parsed once for the sender's copy and once for all delivered copies (the same source without Bcc).
  const delivered = await summarizeSource(composed.raw, sentAt);
  const sent = composed.rawWithBcc === composed.raw ? delivered : await summarizeSource(composed.rawWithBcc, sentAt);
  const sentCopy = placeMessage(sent, { inboxId: inbox.id, id, folder: "SENT", unread: false, threadId });
  const deliveries: SandboxMessage[] = [];
  for (const recipient of await recipientInboxes(context, [...outgoing.to, ...outgoing.cc, ...outgoing.bcc])) {
    const deliveredId = randomUUID();
    // A message to oneself joins its own thread; elsewhere a reply joins the thread of the message it answers, if the recipient has it.
    const recipientThread =
      recipient.id === inbox.id
        ? threadId
        : ((await threadOf(context, recipient.id, [outgoing.inReplyTo, ...outgoing.references.toReversed()])) ??
          deliveredId);
    deliveries.push(
      placeMessage(delivered, {
        inboxId: recipient.id,
        id: deliveredId,
        folder: "INBOX",
        unread: true,
        threadId: recipientThread,
      }),
    );
  }
  call.signal.throwIfAborted();
  // One write files the copy and delivers it: the one step after which the message is out.
  call.handingOver();
  await mailbox.putSandboxMessages([sentCopy, ...deliveries]);
  const justStored = new Set([sentCopy.id, ...deliveries.map((delivery) => delivery.id)]);
  for (const inboxId of new Set([inbox.id, ...deliveries.map((delivery) => delivery.inboxId)]))
    await pruneOldest(mailbox, inboxId, context.maxInboxBytes, justStored);
  return { message_id: id, thread_id: threadId, rfc822_message_id: composed.messageId };
}

/** The sandbox inboxes of this workspace among the addresses, each once. */
async function recipientInboxes(context: SandboxContext, addresses: readonly Address[]): Promise<InboxRecord[]> {
  const found = new Map<string, InboxRecord>();
  for (const address of uniqueAddresses(addresses)) {
    const recipient = await context.deliverTo(address.address);
    // Checked here as well: a lookup that went wrong must never deliver into another workspace.
    if (recipient && recipient.kind === "sandbox" && recipient.workspaceId === context.inbox.workspaceId)
      found.set(recipient.id, recipient);
  }
  return [...found.values()];
}

/** The thread of the latest of these Message-IDs that the inbox holds, if any. */
async function threadOf(
  context: SandboxContext,
  inboxId: string,
  messageIds: readonly (string | null)[],
): Promise<string | undefined> {
  const entries = await loadSummaries(context, inboxId).catch(() => []);
  for (const messageId of messageIds) {
    const match = entries.find((entry) => messageId !== null && entry.data.rfc822_message_id === messageId);
    if (match) return match.data.thread_id;
  }
  return undefined;
}

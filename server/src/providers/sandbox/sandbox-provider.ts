// The sandbox provider: a MailProvider over an inbox whose messages live in the store, with the
// full semantics of the five tools. Sends never leave the server: they are filed in SENT and
// delivered to the other sandbox inboxes of the workspace that they are addressed to.
import { randomUUID } from "node:crypto";
import {
  matchesQuery,
  messageNotFound,
  providerError,
  queryReadsBody,
  type Address,
  type ListInboxOutput,
  type ReadEmailOutput,
} from "@mcpemails/generated";
import { uniqueAddresses } from "../../mail/addresses.js";
import { composeOutgoing, isRefusal, prepareReply, prepareSend, type OutgoingMessage } from "../../mail/outgoing.js";
import { parseMessage } from "../../mail/parse.js";
import { pruneOldest, SANDBOX_INBOX_MAX_BYTES } from "./sandbox-storage.js";
import type { InboxRecord, SandboxMessage } from "../../store/store.js";
import type { MailProvider, SentMessage } from "../provider.js";
import { parsePortableQuery, standardFolders } from "../search-params.js";
import { SANDBOX_DOMAIN, sandboxAddress } from "./address.js";
import {
  placeMessage,
  readSandboxEntry,
  readSandboxSummaryEntry,
  sortedNewestFirst,
  summarizeSource,
  toSearchable,
  toSearchableWithoutBody,
  toSummary,
  type SandboxMailbox,
  type SandboxSummaryEntry,
} from "./sandbox-message.js";

export interface SandboxProviderOptions {
  inbox: InboxRecord;
  mailbox: SandboxMailbox;
  /**
   * The sandbox inbox of the same workspace with this address, if any: where a send to that
   * address is delivered. Addresses compare case-insensitively.
   */
  deliverTo: (address: string) => Promise<InboxRecord | undefined>;
  now?: () => Date;
  /** Bytes of message sources one inbox keeps before its oldest go (SANDBOX_INBOX_MAX_BYTES unless a test says). */
  maxInboxBytes?: number;
}

interface Outgoing extends OutgoingMessage {
  /** The thread a reply joins; a new message starts its own. */
  threadId: string | null;
}

export function createSandboxProvider({
  inbox,
  mailbox,
  deliverTo,
  now = () => new Date(),
  maxInboxBytes = SANDBOX_INBOX_MAX_BYTES,
}: SandboxProviderOptions): MailProvider {
  const ownAddress = inbox.addresses[0] ?? sandboxAddress(inbox.id);

  /**
   * The summary of every message of the inbox (no source, no body), or of those of one folder;
   * undefined when one of them is not a sandbox message's.
   */
  async function loadSummaries(inboxId: string, folder?: string): Promise<SandboxSummaryEntry[] | undefined> {
    const entries = (await mailbox.listSandboxSummaries(inboxId, folder)).map(readSandboxSummaryEntry);
    return entries.every((entry) => entry !== undefined) ? (entries as SandboxSummaryEntry[]) : undefined;
  }

  const corrupted = () =>
    providerError({ detail: `a message of sandbox inbox ${inbox.id} is unreadable in the store.` });

  /** Files the message in SENT and delivers it to every sandbox inbox of the workspace it is addressed to. */
  async function dispatch(outgoing: Outgoing, signal: AbortSignal): Promise<SentMessage> {
    const sentAt = now();
    const id = randomUUID();
    const threadId = outgoing.threadId ?? id;
    const composed = await composeOutgoing(outgoing, {
      from: { name: null, address: ownAddress },
      messageId: `<${randomUUID()}@${SANDBOX_DOMAIN}>`,
      date: sentAt,
    });
    // Parsed once for the sender's copy and once for all delivered copies (the same source without Bcc).
    const delivered = await summarizeSource(composed.raw, sentAt);
    const sent = composed.rawWithBcc === composed.raw ? delivered : await summarizeSource(composed.rawWithBcc, sentAt);
    const sentCopy = placeMessage(sent, { inboxId: inbox.id, id, folder: "SENT", unread: false, threadId });
    const deliveries: SandboxMessage[] = [];
    for (const recipient of await recipientInboxes([...outgoing.to, ...outgoing.cc, ...outgoing.bcc])) {
      const deliveredId = randomUUID();
      // A message to oneself joins its own thread; elsewhere a reply joins the thread of the message it answers, if the recipient has it.
      const recipientThread =
        recipient.id === inbox.id
          ? threadId
          : ((await threadOf(recipient.id, [outgoing.inReplyTo, ...outgoing.references.toReversed()])) ?? deliveredId);
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
    signal.throwIfAborted();
    await mailbox.putSandboxMessages([sentCopy, ...deliveries]);
    const justStored = new Set([sentCopy.id, ...deliveries.map((delivery) => delivery.id)]);
    for (const inboxId of new Set([inbox.id, ...deliveries.map((delivery) => delivery.inboxId)]))
      await pruneOldest(mailbox, inboxId, maxInboxBytes, justStored);
    return { message_id: id, thread_id: threadId, rfc822_message_id: composed.messageId };
  }

  /** The sandbox inboxes of this workspace among the addresses, each once. */
  async function recipientInboxes(addresses: readonly Address[]): Promise<InboxRecord[]> {
    const found = new Map<string, InboxRecord>();
    for (const address of uniqueAddresses(addresses)) {
      const recipient = await deliverTo(address.address);
      // Checked here as well: a lookup that went wrong must never deliver into another workspace.
      if (recipient && recipient.kind === "sandbox" && recipient.workspaceId === inbox.workspaceId)
        found.set(recipient.id, recipient);
    }
    return [...found.values()];
  }

  /** The thread of the latest of these Message-IDs that the inbox holds, if any. */
  async function threadOf(inboxId: string, messageIds: readonly (string | null)[]): Promise<string | undefined> {
    const entries = (await loadSummaries(inboxId)) ?? [];
    for (const messageId of messageIds) {
      const match = entries.find((entry) => messageId !== null && entry.data.rfc822_message_id === messageId);
      if (match) return match.data.thread_id;
    }
    return undefined;
  }

  function page(entries: readonly SandboxSummaryEntry[], args: { offset: number; limit: number }): ListInboxOutput {
    const sorted = sortedNewestFirst(entries);
    const end = args.offset + args.limit;
    return {
      messages: sorted.slice(args.offset, end).map(toSummary),
      offset: args.offset,
      limit: args.limit,
      next_offset: end < sorted.length ? end : null,
      total: sorted.length,
      total_is_estimate: false,
    };
  }

  return {
    async list_inbox(args) {
      const entries = await loadSummaries(inbox.id, args.folder);
      if (entries === undefined) return corrupted();
      return page(
        entries.filter(({ message }) => message.folder === args.folder && (!args.unread_only || message.unread)),
        args,
      );
    },

    async read_email(args, signal) {
      const stored = await mailbox.getSandboxMessage(inbox.id, args.message_id);
      if (stored === undefined) return messageNotFound({ message_id: args.message_id, inbox_id: inbox.id });
      const entry = readSandboxEntry(stored);
      if (entry === undefined) return corrupted();
      const parsed = await parseMessage(entry.data.raw, {
        includeHtml: args.include_html,
        includeAttachments: args.include_attachments,
      });
      // Only an explicit mark_as_read changes anything; the result shows the state after the call.
      if (args.mark_as_read && stored.unread) {
        signal.throwIfAborted();
        await mailbox.putSandboxMessages([{ ...stored, unread: false }]);
      }
      const output: ReadEmailOutput = {
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
      return output;
    },

    async search_emails(args) {
      // A sandbox inbox has no provider dialect to pass a native query to, so "native" reads the
      // same portable subset (and refuses the same terms); the result says which syntax was asked.
      const query = parsePortableQuery(args.query);
      const folders: readonly string[] = standardFolders(args.include_folders);
      // Only word and phrase terms look at bodies; any other query is answered from the summaries.
      let matching: SandboxSummaryEntry[];
      if (queryReadsBody(query)) {
        // One message's source at a time: memory stays flat however large the inbox.
        const candidates = await loadSummaries(inbox.id);
        if (candidates === undefined) return corrupted();
        matching = [];
        for (const candidate of candidates) {
          if (!folders.includes(candidate.message.folder)) continue;
          const stored = await mailbox.getSandboxMessage(inbox.id, candidate.message.id);
          const entry = stored === undefined ? undefined : readSandboxEntry(stored);
          if (stored !== undefined && entry === undefined) return corrupted();
          if (entry !== undefined && matchesQuery(query, toSearchable(entry))) matching.push(candidate);
        }
      } else {
        const entries = await loadSummaries(inbox.id);
        if (entries === undefined) return corrupted();
        matching = entries.filter(
          (entry) => folders.includes(entry.message.folder) && matchesQuery(query, toSearchableWithoutBody(entry)),
        );
      }
      return { ...page(matching, args), result_ceiling: null, syntax: args.syntax };
    },

    async send_email(args, signal) {
      const outgoing = prepareSend(args);
      return isRefusal(outgoing) ? outgoing : dispatch({ ...outgoing, threadId: null }, signal);
    },

    async reply_to_email(args, signal) {
      const stored = await mailbox.getSandboxMessage(inbox.id, args.message_id);
      if (stored === undefined) return messageNotFound({ message_id: args.message_id, inbox_id: inbox.id });
      const entry = readSandboxEntry(stored);
      if (entry === undefined) return corrupted();
      const original = await parseMessage(entry.data.raw, { includeHtml: false, includeAttachments: false });
      const outgoing = prepareReply(original, args, inbox.addresses);
      return isRefusal(outgoing) ? outgoing : dispatch({ ...outgoing, threadId: entry.data.thread_id }, signal);
    },
  };
}

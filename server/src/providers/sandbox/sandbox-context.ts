// What the sandbox provider's tools share: the inbox, the store its messages live in, where a send is
// delivered, and reading an inbox's summaries.
import type { InboxRecord } from "../../store/store.js";
import { ownAddresses } from "../core/own-addresses.js";
import { ProviderFailure } from "../core/provider-failure.js";
import { sandboxAddress } from "./address.js";
import { readSandboxSummaryEntry, type SandboxMailbox, type SandboxSummaryEntry } from "./sandbox-message.js";

export interface SandboxContext {
  inbox: InboxRecord;
  mailbox: SandboxMailbox;
  /** The sandbox inbox of the same workspace with this address, if any (compared case-insensitively). */
  deliverTo: (address: string) => Promise<InboxRecord | undefined>;
  now: () => Date;
  /** Bytes of message sources one inbox keeps before its oldest go. */
  maxInboxBytes: number;
  /** The address its sends come from. */
  sender: string;
  ownAddresses: readonly string[];
}

export function sandboxContext(options: Omit<SandboxContext, "sender" | "ownAddresses">): SandboxContext {
  const sender = options.inbox.addresses[0] ?? sandboxAddress(options.inbox.id);
  return { ...options, sender, ownAddresses: ownAddresses([sender], options.inbox.addresses) };
}

/**
 * The summary of every message of an inbox (no source, no body), or of those of one folder; a
 * message the store holds in a shape this server cannot read fails the call.
 */
export async function loadSummaries(
  context: SandboxContext,
  inboxId: string,
  folder?: string,
): Promise<SandboxSummaryEntry[]> {
  const entries = (await context.mailbox.listSandboxSummaries(inboxId, folder)).map(readSandboxSummaryEntry);
  if (entries.some((entry) => entry === undefined)) throw unreadable(context);
  return entries as SandboxSummaryEntry[];
}

export function unreadable(context: SandboxContext): ProviderFailure {
  return new ProviderFailure("refused", `a message of sandbox inbox ${context.inbox.id} is unreadable in the store`);
}

export function notFound(messageId: string): ProviderFailure {
  return new ProviderFailure("not_found", `no message ${messageId}`);
}

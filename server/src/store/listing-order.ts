// The order in which both adapters list things, so that callers and the contract suite can rely on it.
import type { SandboxMessage } from "./store.js";

/** Oldest first; records created in the same millisecond by id. */
export function byCreation(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id);
}

/** Newest first, as a mailbox lists; messages of the same instant by id. */
export function newestMessageFirst(a: SandboxMessage, b: SandboxMessage): number {
  return Date.parse(b.date) - Date.parse(a.date) || compareText(a.id, b.id);
}

/** Sorts in place by newestMessageFirst, parsing each date once rather than at every comparison. */
export function sortNewestMessageFirst(messages: SandboxMessage[]): SandboxMessage[] {
  const keyed = messages.map((message) => ({ message, time: Date.parse(message.date) }));
  keyed.sort((a, b) => b.time - a.time || compareText(a.message.id, b.message.id));
  for (let index = 0; index < keyed.length; index++) messages[index] = (keyed[index] as (typeof keyed)[number]).message;
  return messages;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

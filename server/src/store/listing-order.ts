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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

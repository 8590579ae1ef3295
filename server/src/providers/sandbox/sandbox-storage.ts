// A sandbox inbox is the server's own storage, filled by whoever holds a key that can send: it is
// bounded. Past SANDBOX_INBOX_MAX_BYTES of message sources, the oldest messages are removed, as a
// mailbox over its quota would need; the messages just delivered always stay.
import type { SandboxMailbox } from "./sandbox-message.js";
import { readSandboxSummaryEntry, sortedNewestFirst, type SandboxSummaryEntry } from "./sandbox-message.js";

/** The most bytes of message sources one sandbox inbox keeps. */
export const SANDBOX_INBOX_MAX_BYTES = 50 * 1024 * 1024;

/**
 * Removes the inbox's oldest messages until its sources total at most maxBytes, never one of
 * `keep` (and never the newest); returns how many went.
 */
export async function pruneOldest(
  mailbox: SandboxMailbox,
  inboxId: string,
  maxBytes: number = SANDBOX_INBOX_MAX_BYTES,
  keep: ReadonlySet<string> = new Set(),
): Promise<number> {
  const entries = (await mailbox.listSandboxSummaries(inboxId))
    .map(readSandboxSummaryEntry)
    .filter((entry): entry is SandboxSummaryEntry => entry !== undefined);
  let total = entries.reduce((sum, entry) => sum + entry.data.size_bytes, 0);
  if (total <= maxBytes) return 0;
  const oldestFirst = sortedNewestFirst(entries).reverse();
  const removed: string[] = [];
  for (const entry of oldestFirst.slice(0, -1)) {
    if (total <= maxBytes) break;
    if (keep.has(entry.message.id)) continue;
    removed.push(entry.message.id);
    total -= entry.data.size_bytes;
  }
  await mailbox.deleteSandboxMessages(inboxId, removed);
  return removed.length;
}

// The mailbox's folders: its mail labels (gmail-labels.ts), each counted by labels.get (labels.list
// gives no counts), the standard four first. The counts are asked a few at a time: Gmail refuses a
// user's requests past a concurrency it does not name (429 "Too many concurrent requests for user").
import type { FolderSummary, ListFoldersOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { googleFailure } from "../gmail-failure.js";
import { folderIdOf, mailLabels } from "../gmail-labels.js";

const STANDARD_NAMES: Record<string, string> = {
  INBOX: "Inbox",
  SENT: "Sent",
  DRAFTS: "Drafts",
  TRASH: "Trash",
  SPAM: "Spam",
};
const ORDER = ["INBOX", "SENT", "DRAFTS", "TRASH"];
const MAX_FOLDERS = 1000;
const CONCURRENT_COUNTS = 8;

export async function listFolders(context: GmailContext, _args: unknown, call: ToolCall): Promise<ListFoldersOutput> {
  const { calls } = context;
  // Ordered and cut before counting: only the folders answered are counted.
  const labels = (await mailLabels(context, call.signal)).map((label) => ({
    label,
    id: folderIdOf(label),
    name: STANDARD_NAMES[folderIdOf(label)] ?? STANDARD_NAMES[label.id] ?? label.name,
    rank: label.folder === undefined ? ORDER.length : ORDER.indexOf(label.folder),
  }));
  labels.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  const counted = await mapFew(labels.slice(0, MAX_FOLDERS), async ({ label, id, name }) => {
    const found = await calls
      .call((options) => calls.api.users.labels.get({ userId: "me", id: label.id }, options), call.signal, true)
      .then(
        (answer) => answer.data,
        (error: unknown) => {
          // Deleted since labels.list: no longer a folder of the mailbox.
          if (googleFailure(error)?.kind === "not_found") return undefined;
          throw error;
        },
      );
    if (found === undefined) return undefined;
    const folder: FolderSummary = {
      id,
      name,
      kind: label.folder ?? "other",
      total: found.messagesTotal ?? null,
      unread: found.messagesUnread ?? null,
    };
    return folder;
  });
  const folders = counted.filter((folder) => folder !== undefined);
  return { folders, truncated: labels.length > MAX_FOLDERS };
}

/** Each item mapped, in order, with at most CONCURRENT_COUNTS calls at once. */
async function mapFew<T, R>(items: readonly T[], map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_COUNTS, items.length) }, worker));
  return results;
}

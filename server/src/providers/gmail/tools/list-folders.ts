// The mailbox's folders: its mail labels (gmail-labels.ts), each counted by labels.get (labels.list
// gives no counts), the standard four first.
import type { FolderSummary, ListFoldersOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
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

export async function listFolders(context: GmailContext, _args: unknown, call: ToolCall): Promise<ListFoldersOutput> {
  const { calls } = context;
  const labels = await mailLabels(context, call.signal);
  const folders = await Promise.all(
    labels.slice(0, MAX_FOLDERS + ORDER.length).map(async (label): Promise<FolderSummary> => {
      const counted = (
        await calls.call(
          (options) => calls.api.users.labels.get({ userId: "me", id: label.id }, options),
          call.signal,
          true,
        )
      ).data;
      const id = folderIdOf(label);
      return {
        id,
        name: STANDARD_NAMES[id] ?? STANDARD_NAMES[label.id] ?? label.name,
        kind: label.folder ?? "other",
        total: counted.messagesTotal ?? null,
        unread: counted.messagesUnread ?? null,
      };
    }),
  );
  const rank = (folder: FolderSummary) => (ORDER.includes(folder.kind) ? ORDER.indexOf(folder.kind) : ORDER.length);
  folders.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  return { folders: folders.slice(0, MAX_FOLDERS), truncated: folders.length > MAX_FOLDERS };
}

// The sandbox has the four standard folders, always, counted from the store's listing index.
import { FOLDERS, type Folder, type FolderSummary, type ListFoldersOutput } from "@mcpemails/generated";
import type { SandboxContext } from "../sandbox-context.js";

const NAMES: Record<Folder, string> = { INBOX: "Inbox", SENT: "Sent", DRAFTS: "Drafts", TRASH: "Trash" };

export async function listFolders(context: SandboxContext): Promise<ListFoldersOutput> {
  const count = async (folder: Folder, unreadOnly: boolean) =>
    (await context.mailbox.pageSandboxSummaries(context.inbox.id, { folder, unreadOnly, offset: 0, limit: 1 })).total;
  const folders = await Promise.all(
    (Object.keys(FOLDERS) as Folder[]).map(async (folder): Promise<FolderSummary> => ({
      id: folder,
      name: NAMES[folder],
      kind: folder,
      total: await count(folder, false),
      unread: await count(folder, true),
    })),
  );
  return { folders, truncated: false };
}

// The mailbox's mail folders: the folders below msgfolderroot, level by level (Graph lists one level a
// request, https://learn.microsoft.com/graph/api/mailfolder-list-childfolders), each with Graph's
// counts. The four standard ones are told by the ids their well-known names give (v1.0's mailFolder
// has no wellKnownName) and come first as INBOX, SENT, DRAFTS, TRASH; every other folder by Graph's
// id, sorted by its path of display names ("Projects/2026"). Left out: hidden folders (Graph lists
// them only when asked, and Outlook does not show them) and everything outside msgfolderroot
// (TeamsMessagesData, Recoverable Items): the owner's mail folders are those Outlook shows. Junk
// Email, Archive, Outbox and Conversation History are mail folders Outlook shows: they are "other".
import { FOLDERS, type Folder, type FolderSummary, type ListFoldersOutput } from "@mcpemails/generated";
import { toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import type { ToolCall } from "../../core/provider-tools.js";
import { allPages } from "../graph-pages.js";
import type { OutlookContext } from "../outlook-context.js";

const MAX_FOLDERS = toolOutputSchemas.list_folders.properties.folders.maxItems;
const STANDARD = Object.keys(FOLDERS) as Folder[];
const FOLDER_SELECT = "id,displayName,childFolderCount,totalItemCount,unreadItemCount";
/** Folders asked for a request; Graph may answer fewer, with a nextLink (https://learn.microsoft.com/graph/paging). */
const PAGE_SIZE = "250";

interface GraphFolder {
  id: string;
  displayName?: string;
  childFolderCount?: number;
  totalItemCount?: number;
  unreadItemCount?: number;
}

interface Found {
  folder: GraphFolder;
  path: string;
}

export async function listFolders(context: OutlookContext, _args: unknown, call: ToolCall): Promise<ListFoldersOutput> {
  const { signal } = call;
  const standardIds = await context.folders.standardIds(signal);
  const found: Found[] = [];
  // Past the standard four and MAX_FOLDERS others, the listing is truncated whatever else there is.
  const enough = MAX_FOLDERS + STANDARD.length + 1;
  let level: Array<{ path: string; request: string }> = [{ path: "", request: "/me/mailFolders" }];
  while (level.length > 0 && found.length < enough) {
    const next: typeof level = [];
    for (const parent of level) {
      const items = await allPages<GraphFolder>(
        context.graph,
        parent.request,
        { $select: FOLDER_SELECT, $top: PAGE_SIZE },
        signal,
        enough - found.length,
      );
      for (const folder of items) {
        const path =
          parent.path === "" ? (folder.displayName ?? folder.id) : `${parent.path}/${folder.displayName ?? folder.id}`;
        found.push({ folder, path });
        if ((folder.childFolderCount ?? 0) > 0)
          next.push({ path, request: `/me/mailFolders/${encodeURIComponent(folder.id)}/childFolders` });
      }
      if (found.length >= enough) break;
    }
    level = next;
  }
  const standard = STANDARD.flatMap((kind) => {
    const entry = found.find(({ folder }) => standardIds.get(folder.id) === kind);
    return entry === undefined ? [] : [summary(entry, kind, kind)];
  });
  const others = found
    .filter(({ folder }) => !standardIds.has(folder.id))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((entry) => summary(entry, entry.folder.id, "other"));
  const all = [...standard, ...others];
  return { folders: all.slice(0, MAX_FOLDERS), truncated: all.length > MAX_FOLDERS };
}

function summary({ folder, path }: Found, id: string, kind: FolderSummary["kind"]): FolderSummary {
  return { id, name: path, kind, total: count(folder.totalItemCount), unread: count(folder.unreadItemCount) };
}

/** A count Graph gave, else null. */
function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

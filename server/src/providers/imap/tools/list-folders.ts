// The inbox's folders: LIST (SPECIAL-USE where the server has it, else the usual names, as the folder
// map decides) with STATUS MESSAGES UNSEEN per folder (one LIST-STATUS where the server has it). The
// four standard folders get their canonical ids, in that order; every other folder its path, sorted.
// Only folders that can hold messages are listed: a \Noselect or \NonExistent one is a level of the
// hierarchy that list_inbox could not open, so the owner has no mail in it to ask about.
import { FOLDERS, type Folder, type FolderSummary, type ListFoldersOutput } from "@mcpemails/generated";
import { toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import type { ImapFlow, ListResponse, StatusObject } from "imapflow";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";

const STANDARD = Object.keys(FOLDERS) as Folder[];

export async function listFolders(context: ImapContext, _args: unknown, call: ToolCall): Promise<ListFoldersOutput> {
  return context.pool.use(
    async (connection) => {
      const { map, listed } = await context.foldersWithCounts(connection);
      const standard = STANDARD.flatMap((kind) => {
        const path = map.pathOf(kind);
        return path === undefined ? [] : [{ id: kind, path, kind }];
      });
      const standardPaths = new Set(standard.map((folder) => folder.path));
      const others = map.selectable
        .filter((path) => !standardPaths.has(path))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((path) => ({ id: path, path, kind: "other" as const }));
      const all = [...standard, ...others];
      const kept = all.slice(0, MAX_FOLDERS);
      const folders: FolderSummary[] = [];
      for (const folder of kept) {
        const status = await statusOf(connection.client, listed, folder.path);
        folders.push({
          id: folder.id,
          name: folder.path,
          kind: folder.kind,
          total: count(status?.messages),
          unread: count(status?.unseen),
        });
      }
      return { folders, truncated: all.length > kept.length };
    },
    { retryOnDrop: true, signal: call.signal },
  );
}

/** A count the server gave, else null (a STATUS it refused leaves an error in its place). */
function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

const MAX_FOLDERS = toolOutputSchemas.list_folders.properties.folders.maxItems;

/** The listing's counts for a folder; INBOX, which a listing under a namespace prefix may leave out, asked on its own. */
async function statusOf(
  client: ImapFlow,
  listed: readonly ListResponse[],
  path: string,
): Promise<Pick<StatusObject, "messages" | "unseen"> | undefined> {
  const entry = listed.find((each) => each.path === path || (path === "INBOX" && each.path.toUpperCase() === "INBOX"));
  if (entry !== undefined) return entry.status;
  try {
    return (await client.status(path, { messages: true, unseen: true })) || undefined;
  } catch {
    // A folder the server will not count answers null counts rather than failing the whole listing.
    return undefined;
  }
}

// A folder a caller names (list_inbox's folder, search_emails' include_folders): INBOX, SENT, DRAFTS
// or TRASH, which every inbox takes (one the server lacks holds nothing), or a folder id list_folders
// gave (its path). Anything else is -32602 rule enum, naming the parameter, after the folders are
// listed again once (a folder made since the map was read).
import { FOLDERS } from "@mcpemails/generated";
import { ParameterError } from "../provider.js";
import type { ImapContext } from "./imap-context.js";
import type { FolderMap } from "./imap-folders.js";
import type { ImapConnection } from "./imap-pool.js";

export interface NamedFolder {
  name: string;
  parameter: string;
}

/** The path of each named folder, or null for a standard folder this inbox does not have. */
export async function folderPathsOf(
  context: ImapContext,
  connection: ImapConnection,
  folders: readonly NamedFolder[],
): Promise<Array<string | null>> {
  let map = await context.folders(connection);
  if (folders.some(({ name }) => pathIn(map, name) === undefined)) map = await context.folders(connection, true);
  return folders.map(({ name, parameter }) => {
    const path = pathIn(map, name);
    if (path === undefined)
      throw new ParameterError(
        parameter,
        "enum",
        `${parameter}: "${name}" is not a folder of this inbox; use INBOX, SENT, DRAFTS, TRASH or an id list_folders gives.`,
      );
    return path;
  });
}

function pathIn(map: FolderMap, name: string): string | null | undefined {
  const path = map.resolve(name);
  if (path !== undefined) return path;
  return Object.hasOwn(FOLDERS, name) ? null : undefined;
}

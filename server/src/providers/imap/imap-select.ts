// Selecting a folder before its messages are read: by path for a listing or a search, or as the
// folder a message id names, which must still be the folder the id was made in (same UIDVALIDITY).
import type { FolderMap } from "./imap-folders.js";
import type { ImapMessageRef } from "./imap-message-id.js";
import type { FolderAccess, ImapConnection } from "./imap-pool.js";
import type { FolderState } from "./imap-summary.js";

export async function selectFolder(
  connection: ImapConnection,
  path: string,
  map: FolderMap,
): Promise<FolderState & { exists: number }> {
  const state = await connection.open(path);
  return { path, name: map.nameOf(path), uidValidity: state.uidValidity, exists: state.exists };
}

/** Opens the folder of a message id; false when it is gone, refused, or not the folder the id was made in. */
export async function selectFolderOf(
  connection: ImapConnection,
  ref: ImapMessageRef,
  access: FolderAccess = "read",
): Promise<boolean> {
  try {
    return (await connection.open(ref.path, access)).uidValidity === ref.uidValidity;
  } catch (error) {
    const e = error as { mailboxMissing?: boolean; responseStatus?: string };
    if (e.mailboxMissing === true || e.responseStatus === "NO") return false;
    throw error;
  }
}

// Which real IMAP folder each of the spec's folders (INBOX, SENT, DRAFTS, TRASH) is: the one the
// server marks with the SPECIAL-USE attribute, else the first of the usual names that exists, at the
// top or under the personal namespace's prefix (Courier and Cyrus keep every folder under "INBOX.").
import type { Folder } from "@mcpemails/generated";
import type { ListResponse } from "imapflow";

const SPECIAL_USE: Record<Exclude<Folder, "INBOX">, string> = { SENT: "\\Sent", DRAFTS: "\\Drafts", TRASH: "\\Trash" };

/** The names servers and clients without SPECIAL-USE give these folders, most common first. */
const NAME_FALLBACKS: Record<Exclude<Folder, "INBOX">, readonly string[]> = {
  SENT: ["Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail"],
  DRAFTS: ["Drafts", "[Gmail]/Drafts"],
  TRASH: ["Trash", "Deleted Items", "Deleted Messages", "[Gmail]/Trash", "[Gmail]/Bin"],
};

/** The personal namespace (RFC 2342): its prefix, separator included ("INBOX." on Courier and Cyrus, often ""). */
export interface PersonalNamespace {
  prefix: string;
}

export interface FolderMap {
  /** The real path of a spec folder, or undefined when the server has no such folder. */
  pathOf(folder: Folder): string | undefined;
  /** The spec name of a real path (INBOX, SENT...), else the path itself, as the output's folder field says. */
  nameOf(path: string): string;
  /** Every folder that can hold messages (not \Noselect), as the server names them. */
  selectable: readonly string[];
  /** The real path for a folder name given by a caller: a spec name or any existing folder (case as listed; INBOX in any case). */
  resolve(name: string): string | undefined;
}

/**
 * INBOX is always a folder of the user (RFC 3501 §5.1), also when the listing leaves it out (a LIST
 * under the namespace prefix "INBOX." lists only the folders below it).
 */
export function folderMap(listed: readonly ListResponse[], namespace?: PersonalNamespace): FolderMap {
  const selectable = listed.filter((entry) => !hasFlag(entry, "\\Noselect") && !hasFlag(entry, "\\NonExistent"));
  const paths = new Map<Folder, string>([["INBOX", "INBOX"]]);
  for (const folder of Object.keys(SPECIAL_USE) as Exclude<Folder, "INBOX">[]) {
    const byAttribute = selectable.find(
      (entry) => entry.specialUseSource === "extension" && entry.specialUse === SPECIAL_USE[folder],
    );
    const byName = candidateNames(NAME_FALLBACKS[folder], namespace)
      .map((name) => selectable.find((entry) => entry.path.toLowerCase() === name.toLowerCase()))
      .find((entry) => entry !== undefined);
    const found = byAttribute ?? byName;
    if (found) paths.set(folder, found.path);
  }
  const names = new Map([...paths].map(([folder, path]) => [path, folder]));
  const listedPaths = selectable.map((entry) => (entry.path.toUpperCase() === "INBOX" ? "INBOX" : entry.path));
  const selectablePaths = listedPaths.includes("INBOX") ? listedPaths : ["INBOX", ...listedPaths];
  return {
    pathOf: (folder) => paths.get(folder),
    nameOf: (path) => names.get(path) ?? path,
    selectable: selectablePaths,
    resolve(name) {
      if (paths.has(name as Folder)) return paths.get(name as Folder);
      if (name.toUpperCase() === "INBOX") return "INBOX";
      return selectablePaths.find((path) => path === name);
    },
  };
}

/** Each usual name at the top, then under the namespace prefix, then under INBOX with "." and "/" (servers whose NAMESPACE says nothing). */
function candidateNames(names: readonly string[], namespace: PersonalNamespace | undefined): string[] {
  const prefixes = ["", namespace?.prefix ?? "", "INBOX.", "INBOX/"];
  const unique = [...new Set(prefixes)];
  return unique.flatMap((prefix) => names.map((name) => `${prefix}${name}`));
}

function hasFlag(entry: ListResponse, flag: string): boolean {
  return [...entry.flags].some((each) => each.toLowerCase() === flag.toLowerCase());
}

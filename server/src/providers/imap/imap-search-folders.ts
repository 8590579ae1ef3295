// A search run over folders: each folder SEARCHed (has:attachment answered from BODYSTRUCTURE), the
// matches counted exactly, and the page merged newest first by arrival: within one folder the UID
// order, across folders INTERNALDATE, fetched only for each folder's latest offset+limit matches.
import type { MessageSummary } from "@mcpemails/generated";
import type { ImapFlow } from "imapflow";
import { ProviderFailure } from "../core/provider-failure.js";
import type { FolderMap } from "./imap-folders.js";
import { decodeMessageId } from "./imap-message-id.js";
import type { ImapConnection } from "./imap-pool.js";
import type { ImapQuery } from "./imap-search.js";
import { selectFolder } from "./imap-select.js";
import { fetchSummaries, hasAttachments, type FolderState } from "./imap-summary.js";
import { toSequenceSet } from "./sequence-set.js";

export async function searchFolders(
  connection: ImapConnection,
  paths: readonly string[],
  map: FolderMap,
  query: ImapQuery,
  offset: number,
  limit: number,
): Promise<{ messages: MessageSummary[]; total: number }> {
  const perFolder: Array<{ folder: FolderState; uids: number[] }> = [];
  for (const path of paths) {
    const folder = await selectFolder(connection, path, map).catch(skipDeleted);
    if (folder === undefined || folder.exists === 0) continue;
    const uids = await matchingUids(connection.client, query);
    if (uids.length > 0) perFolder.push({ folder, uids });
  }
  const total = perFolder.reduce((sum, entry) => sum + entry.uids.length, 0);
  const page = await pageOf(connection, perFolder, offset, offset + limit);
  const messages: MessageSummary[] = [];
  for (const { folder } of perFolder) {
    const uids = page.filter((entry) => entry.folder === folder).map((entry) => entry.uid);
    if (uids.length === 0) continue;
    await connection.open(folder.path);
    messages.push(...(await fetchSummaries(connection.client, uids, folder, true)));
  }
  const order = new Map(page.map((entry, index) => [`${entry.folder.path}\n${entry.uid}`, index]));
  const keyOf = (summary: MessageSummary) => {
    const ref = decodeMessageId(summary.id);
    return `${ref?.path ?? ""}\n${ref?.uid ?? 0}`;
  };
  messages.sort((a, b) => (order.get(keyOf(a)) ?? 0) - (order.get(keyOf(b)) ?? 0));
  return { messages, total };
}

/** The matches at [offset, wanted) newest first, as folder and UID. */
async function pageOf(
  connection: ImapConnection,
  perFolder: ReadonlyArray<{ folder: FolderState; uids: number[] }>,
  offset: number,
  wanted: number,
): Promise<Array<{ folder: FolderState; uid: number }>> {
  if (perFolder.length <= 1) {
    const only = perFolder[0];
    if (only === undefined) return [];
    return only.uids
      .slice(Math.max(0, only.uids.length - wanted), Math.max(0, only.uids.length - offset))
      .reverse()
      .map((uid) => ({ folder: only.folder, uid }));
  }
  // The page can only hold each folder's latest offset+limit matches: their arrival dates decide the merge.
  const candidates: Array<{ folder: FolderState; uid: number; received: number }> = [];
  for (const { folder, uids } of perFolder) {
    await connection.open(folder.path);
    const latest = await connection.client.fetchAll(
      uids.slice(-wanted),
      { uid: true, internalDate: true },
      { uid: true },
    );
    for (const message of latest)
      candidates.push({ folder, uid: message.uid, received: new Date(message.internalDate ?? 0).getTime() });
  }
  candidates.sort((a, b) => b.received - a.received || b.uid - a.uid);
  return candidates.slice(offset, wanted);
}

/** The UIDs of the selected folder that match, ascending. */
async function matchingUids(client: ImapFlow, query: ImapQuery): Promise<number[]> {
  let uids = [...(await searchUids(client, query.criteria))].sort((a, b) => a - b);
  if ((query.attachment === undefined && query.exact === undefined) || uids.length === 0) return uids;
  const structures = await client.fetchAll(uids, { uid: true, bodyStructure: true }, { uid: true });
  const described = new Set(structures.filter((message) => message.bodyStructure !== undefined).map((m) => m.uid));
  const withAttachment = new Set(
    structures
      .filter((message) => message.bodyStructure !== undefined && hasAttachments(message.bodyStructure))
      .map((message) => message.uid),
  );
  if (query.exact !== undefined) {
    const exact = await searchUids(client, query.exact(toSequenceSet(uids.filter((uid) => withAttachment.has(uid)))));
    const matched = new Set(exact);
    uids = uids.filter((uid) => matched.has(uid));
  }
  if (query.attachment !== undefined)
    uids = uids.filter((uid) => described.has(uid) && withAttachment.has(uid) === query.attachment);
  return uids;
}

async function searchUids(client: ImapFlow, criteria: ImapQuery["criteria"]): Promise<number[]> {
  const found = await client.search(criteria, { uid: true });
  if (found === false || found === undefined)
    throw new ProviderFailure("refused", "the mail server refused the SEARCH command");
  return found;
}

/** A folder deleted since the folders were listed holds nothing to find; any other failure is the search's. */
function skipDeleted(error: unknown): undefined {
  if ((error as { mailboxMissing?: boolean }).mailboxMissing === true) return undefined;
  throw error;
}

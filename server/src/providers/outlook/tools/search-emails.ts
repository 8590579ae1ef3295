// A search: the query as KQL $search or as a $filter (graph-query.ts), of the whole mailbox or of
// the folders asked for, its pages read as graph-search-pages.ts does. Its deadline is the call's
// (call.signal).
import type { Message } from "@microsoft/microsoft-graph-types";
import type { SearchEmailsArgs, SearchEmailsOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { ParameterError } from "../../provider.js";
import { parsePortableQuery } from "../../search-params.js";
import { portableToGraph, quoteSearch, type GraphQuery } from "../graph-query.js";
import { GraphRequestError } from "../graph-request-error.js";
import { filterPage, searchPage } from "../graph-search-pages.js";
import type { OutlookContext } from "../outlook-context.js";
import type { FolderRef } from "../outlook-folders.js";

/** Results a $search asks for at least when many may be left out (other folders, the other read state). */
const KEEPING_MIN_BATCH = 50;

export async function searchEmails(
  context: OutlookContext,
  args: SearchEmailsArgs,
  call: ToolCall,
): Promise<SearchEmailsOutput> {
  const query: GraphQuery =
    args.syntax === "native"
      ? { kind: "search", search: quoteSearch(args.query) }
      : portableToGraph(parsePortableQuery(args.query));
  const folders =
    args.include_folders === undefined ? undefined : await folderRefs(context, args.include_folders, call.signal);
  try {
    return await search(context, query, folders, args, call.signal);
  } catch (error) {
    // A native query is KQL the caller wrote: Graph refusing it is a bad parameter, not a provider failure.
    if (args.syntax === "native" && error instanceof GraphRequestError && error.status === 400)
      throw new ParameterError("query", "query_term", `query: Outlook refused the native KQL query: ${error.message}`);
    throw error;
  }
}

/** The folders include_folders names, each once. */
async function folderRefs(context: OutlookContext, ids: readonly string[], signal: AbortSignal): Promise<FolderRef[]> {
  const refs = new Map<string, FolderRef>();
  for (const [index, id] of ids.entries()) {
    const ref = await context.folders.resolve(id, `include_folders[${index}]`, signal);
    refs.set(ref.graphId, ref);
  }
  return [...refs.values()];
}

async function search(
  context: OutlookContext,
  query: GraphQuery,
  folders: FolderRef[] | undefined,
  args: SearchEmailsArgs,
  signal: AbortSignal,
): Promise<SearchEmailsOutput> {
  const oneFolder = folders?.length === 1 ? `/me/mailFolders/${(folders[0] as FolderRef).path}/messages` : undefined;
  if (oneFolder !== undefined && query.kind === "search")
    return searchPage(
      context,
      { base: oneFolder, search: query.search, keep: () => true, keptName: "all", minBatch: 1 },
      args,
      signal,
    );
  if (oneFolder !== undefined && query.kind === "filter")
    return filterPage(context, oneFolder, query.filter, args, signal);
  // Graph searches one folder or the whole mailbox: results in other folders are left out by id.
  const folderIds = folders === undefined ? undefined : new Set(folders.map((folder) => folder.graphId));
  const inFolders = (message: Message) => folderIds === undefined || folderIds.has(message.parentFolderId ?? "");
  const folderNames = `folders=${[...(folderIds ?? [])].sort().join(",")}`;
  if (query.kind === "filter") {
    if (folderIds === undefined) return filterPage(context, "/me/messages", query.filter, args, signal, true);
    const inIds = [...folderIds].map((id) => `parentFolderId eq '${id}'`).join(" or ");
    return filterPage(context, "/me/messages", `(${query.filter}) and (${inIds})`, args, signal);
  }
  if (query.kind === "search-keeping-read-state")
    return searchPage(
      context,
      {
        base: "/me/messages",
        search: query.search,
        keep: (message) => (message.isRead === false) === query.unread && inFolders(message),
        keptName: `unread=${query.unread} ${folderNames}`,
        minBatch: KEEPING_MIN_BATCH,
      },
      args,
      signal,
    );
  if (folderIds === undefined)
    return searchPage(
      context,
      { base: "/me/messages", search: query.search, keep: () => true, keptName: "mail", minBatch: 1 },
      args,
      signal,
    );
  return searchPage(
    context,
    { base: "/me/messages", search: query.search, keep: inFolders, keptName: folderNames, minBatch: KEEPING_MIN_BATCH },
    args,
    signal,
  );
}

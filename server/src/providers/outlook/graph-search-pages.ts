// The two ways a search reads Graph: a KQL $search (no count, no order of ours, at most 1,000
// results) walked by nextLinks with the results it does not keep skipped over, and a $filter with
// Graph's exact count. Both give summaries with the immutable ids every other call gives.
import type { Message } from "@microsoft/microsoft-graph-types";
import type { SearchEmailsArgs, SearchEmailsOutput } from "@mcpemails/generated";
import { pageFields } from "../core/page-fields.js";
import { collectionUrl, collectionWindow } from "./collection-window.js";
import { ORDERABLE_FILTER_PREFIX } from "./graph-query.js";
import { withImmutableIds } from "./immutable-ids.js";
import { summaries, type OutlookContext } from "./outlook-context.js";
import { SUMMARY_SELECT } from "./outlook-message.js";
import { windowPage } from "./window-page.js";

/** Graph's $search returns at most this many results for one query. */
export const SEARCH_RESULT_CEILING = 1000;
/** Extra requests a folder-less $filter may make after finding folders that hold no mail on its page. */
const MAX_FILTER_RETRIES = 2;

export interface KeptSearch {
  /** The collection searched: one folder's messages, or the whole mailbox's (/me/messages). */
  base: string;
  search: string;
  /** Whether a result counts (beside being mail, for the whole mailbox). */
  keep: (message: Message) => boolean;
  /** What keep tests, for the checkpoints. */
  keptName: string;
  /** Results a request asks for at least: 1 when most are kept, more when few may be. */
  minBatch: number;
}

/**
 * A $search whose results count only when `keep` says so: of the whole mailbox, always that they
 * are mail (Graph's /me/messages also returns Teams chat items), and as asked, that they are in some
 * folders (Graph searches one folder or the whole mailbox) or have a read state ($search has none).
 * Offsets and totals count kept results. Each request asks for what the page still lacks, at least
 * minBatch: about one request per page on a sequential walk when most results are kept.
 */
export async function searchPage(
  context: OutlookContext,
  query: KeptSearch,
  args: SearchEmailsArgs,
  signal: AbortSignal,
): Promise<SearchEmailsOutput> {
  const output = { offset: args.offset, limit: args.limit, result_ceiling: SEARCH_RESULT_CEILING, syntax: args.syntax };
  if (args.offset >= SEARCH_RESULT_CEILING)
    return { ...output, messages: [], ...pageFields({ offset: args.offset, returned: 0 }) };
  const wholeMailbox = query.base === "/me/messages";
  const window = await collectionWindow(context.graph, context.checkpoints, {
    key: `${query.base}\u0000${query.search}\u0000${query.keptName}`,
    first: collectionUrl(query.base, { $search: query.search, $select: SUMMARY_SELECT }),
    keep: async (message) => query.keep(message) && (!wholeMailbox || (await context.folders.isMail(message, signal))),
    offset: args.offset,
    limit: Math.min(args.limit, SEARCH_RESULT_CEILING - args.offset),
    minBatch: query.minBatch,
    signal,
  });
  return {
    ...output,
    messages: await summaries(context, await withImmutableIds(context.graph, window.messages, signal), signal),
    ...windowPage(window, args.offset),
  };
}

/**
 * A page of a $filter, with Graph's exact count. Of the whole mailbox (`wholeMailbox`), it leaves
 * out by id the folders known to hold no mail (Teams' chats), so that the count is of mail only; a
 * page that shows such a folder for the first time is asked again without it (at most
 * MAX_FILTER_RETRIES times; past that its items are dropped and the total is an estimate).
 */
export async function filterPage(
  context: OutlookContext,
  base: string,
  filter: string,
  args: SearchEmailsArgs,
  signal: AbortSignal,
  wholeMailbox = false,
): Promise<SearchEmailsOutput> {
  for (let retries = 0; ; retries++) {
    const left = wholeMailbox
      ? [...context.notMailFolders].map((id) => ` and parentFolderId ne '${id.replace(/'/gu, "''")}'`).join("")
      : "";
    const fullFilter = `${ORDERABLE_FILTER_PREFIX} and (${filter})${left}`;
    const strays: Message[] = [];
    const window = await collectionWindow(context.graph, context.checkpoints, {
      key: `${base}\u0000${fullFilter}`,
      first: collectionUrl(base, {
        $filter: fullFilter,
        $orderby: "receivedDateTime desc",
        $count: "true",
        $select: SUMMARY_SELECT,
      }),
      keep: async (message) => {
        if (!wholeMailbox || (await context.folders.isMail(message, signal))) return true;
        strays.push(message);
        return false;
      },
      offset: args.offset,
      limit: args.limit,
      minBatch: 1,
      signal,
    });
    if (strays.length > 0) {
      for (const stray of strays) context.notMailFolders.add(stray.parentFolderId ?? "");
      if (retries < MAX_FILTER_RETRIES) continue;
    }
    return {
      messages: await summaries(context, window.messages, signal),
      offset: args.offset,
      limit: args.limit,
      ...windowPage(window, args.offset),
      result_ceiling: null,
      syntax: args.syntax,
    };
  }
}

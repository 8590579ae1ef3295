// One page of a well-known folder, newest first: one request a page ($top, $count, $orderby), later
// pages reached through the nextLink checkpoints (collection-window.ts).
import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { collectionUrl, collectionWindow } from "../collection-window.js";
import { ORDERABLE_FILTER_PREFIX } from "../graph-query.js";
import { summaries, type OutlookContext } from "../outlook-context.js";
import { SUMMARY_SELECT, WELL_KNOWN } from "../outlook-message.js";
import { windowPage } from "../window-page.js";

export async function listInbox(
  context: OutlookContext,
  args: ListInboxArgs,
  call: ToolCall,
): Promise<ListInboxOutput> {
  const base = `/me/mailFolders/${WELL_KNOWN[args.folder]}/messages`;
  const window = await collectionWindow(context.graph, context.checkpoints, {
    key: `${base}\u0000unread=${args.unread_only}`,
    first: collectionUrl(base, {
      $select: SUMMARY_SELECT,
      $orderby: "receivedDateTime desc",
      $count: "true",
      ...(args.unread_only ? { $filter: `${ORDERABLE_FILTER_PREFIX} and isRead eq false` } : {}),
    }),
    keep: () => true,
    offset: args.offset,
    limit: args.limit,
    minBatch: 1,
    signal: call.signal,
  });
  return {
    messages: await summaries(context, window.messages, call.signal, args.folder),
    offset: args.offset,
    limit: args.limit,
    ...windowPage(window, args.offset),
  };
}

// One page of a folder (a standard one or any id list_folders gives), newest first: one request a page ($top, $count, $orderby), later
// pages reached through the nextLink checkpoints (collection-window.ts).
import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { collectionUrl, collectionWindow } from "../collection-window.js";
import { ORDERABLE_FILTER_PREFIX } from "../graph-query.js";
import { summaries, type OutlookContext } from "../outlook-context.js";
import { SUMMARY_SELECT } from "../outlook-message.js";
import { windowPage } from "../window-page.js";

export async function listInbox(
  context: OutlookContext,
  args: ListInboxArgs,
  call: ToolCall,
): Promise<ListInboxOutput> {
  const folder = await context.folders.resolve(args.folder, "folder", call.signal);
  const base = `/me/mailFolders/${folder.path}/messages`;
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
    messages: await summaries(context, window.messages, call.signal, folder.id),
    offset: args.offset,
    limit: args.limit,
    ...windowPage(window, args.offset),
  };
}

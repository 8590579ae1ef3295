// One page of a canonical folder, newest (latest arrival: highest sequence number) first: a
// sequence range from the end of the folder, so that any offset costs O(limit) IMAP work; unread
// only, the folder's unread UIDs (ESEARCH's compact set where the server has it) cut from the end.
import type { ListInboxArgs, ListInboxOutput, MessageSummary } from "@mcpemails/generated";
import type { ImapFlow, SearchObject } from "imapflow";
import { pageFields } from "../../core/page-fields.js";
import { ProviderFailure } from "../../core/provider-failure.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { folderPathsOf } from "../imap-folder-param.js";
import { selectFolder } from "../imap-select.js";
import { fetchSummaries } from "../imap-summary.js";
import { lastOfSet } from "../sequence-set.js";

export async function listInbox(context: ImapContext, args: ListInboxArgs, call: ToolCall): Promise<ListInboxOutput> {
  const page = (messages: MessageSummary[], count: number): ListInboxOutput => ({
    messages,
    offset: args.offset,
    limit: args.limit,
    ...pageFields({ offset: args.offset, returned: messages.length, count }),
  });
  return context.pool.use(
    async (connection) => {
      const [path] = await folderPathsOf(context, connection, [{ name: args.folder, parameter: "folder" }]);
      if (path === null || path === undefined) return page([], 0);
      const folder = await selectFolder(connection, path, await context.folders(connection));
      if (!args.unread_only) {
        const last = folder.exists - args.offset;
        const first = Math.max(1, last - args.limit + 1);
        const messages = last < 1 ? [] : await fetchSummaries(connection.client, `${first}:${last}`, folder, false);
        return page(messages, folder.exists);
      }
      const unread = await unreadUids(connection.client);
      const uids = lastOfSet(unread.set, args.offset, args.limit);
      return page(uids.length === 0 ? [] : await fetchSummaries(connection.client, uids, folder, true), unread.count);
    },
    { retryOnDrop: true, signal: call.signal },
  );
}

async function unreadUids(client: ImapFlow): Promise<{ set: string; count: number }> {
  const criteria: SearchObject = { seen: false };
  const result = await client.search(criteria, { uid: true, returnOptions: ["ALL", "COUNT"] });
  if (result === false || result === undefined)
    throw new ProviderFailure("refused", "the mail server refused SEARCH UNSEEN");
  if (Array.isArray(result)) {
    const sorted = [...result].sort((a, b) => a - b);
    return { set: sorted.join(","), count: sorted.length };
  }
  return { set: result.all ?? "", count: result.count ?? 0 };
}

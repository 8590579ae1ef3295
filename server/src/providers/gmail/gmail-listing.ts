// One page of a listing or a search: the page's ids from messages.list (gmail-pages.ts), their MIME
// trees in one batch (gmail-batch.ts), each as a summary named by its folder; a message deleted
// between the two is left out. The page fields follow the core's one arithmetic, from Gmail's
// nextPageToken and resultSizeEstimate.
import type { ListInboxOutput } from "@mcpemails/generated";
import type { gmail_v1 } from "@googleapis/gmail";
import { pageFields } from "../core/page-fields.js";
import { batchGetMessages } from "./gmail-batch.js";
import type { GmailContext } from "./gmail-context.js";
import { summaryOf } from "./gmail-message.js";
import { listIdPage, type ListQuery } from "./gmail-pages.js";

export async function gmailPage(
  context: GmailContext,
  query: ListQuery,
  window: { offset: number; limit: number },
  folderFor: (labelIds: readonly string[]) => string,
  signal: AbortSignal,
): Promise<ListInboxOutput> {
  const { offset, limit } = window;
  const page = await listIdPage(context.calls, context.checkpoints, query, offset, limit, signal);
  const fetched =
    page.ids.length === 0
      ? new Map<string, gmail_v1.Schema$Message>()
      : await batchGetMessages(context.calls, page.ids, signal);
  const messages = [];
  for (const id of page.ids) {
    const message = fetched.get(id);
    if (message !== undefined) messages.push(await summaryOf(message, folderFor(message.labelIds ?? [])));
  }
  return {
    messages,
    offset,
    limit,
    ...pageFields({
      offset,
      returned: page.ids.length,
      more: page.nextOffset !== null,
      estimate: page.estimate ?? undefined,
    }),
  };
}

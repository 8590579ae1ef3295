// One page of a folder, newest first, cut by the store from its index (only the page's summaries
// are read and decoded), with the count of the whole listing.
import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import { standardFolder } from "../../search-params.js";
import { unreadable, type SandboxContext } from "../sandbox-context.js";
import { readSandboxSummaryEntry, type SandboxSummaryEntry } from "../sandbox-message.js";
import { pageOutput } from "../sandbox-page.js";

export async function listInbox(context: SandboxContext, args: ListInboxArgs): Promise<ListInboxOutput> {
  const page = await context.mailbox.pageSandboxSummaries(context.inbox.id, {
    folder: standardFolder(args.folder),
    unreadOnly: args.unread_only,
    offset: args.offset,
    limit: args.limit,
  });
  const entries = page.messages.map(readSandboxSummaryEntry);
  if (entries.some((entry) => entry === undefined)) throw unreadable(context);
  return pageOutput(entries as SandboxSummaryEntry[], page.total, args);
}

// One page of a canonical folder, newest first: its system label (and UNREAD for unread_only);
// TRASH is listed with includeSpamTrash, which Gmail otherwise leaves out.
import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { gmailPage } from "../gmail-listing.js";
import { FOLDER_LABELS } from "../gmail-query.js";

export function listInbox(context: GmailContext, args: ListInboxArgs, call: ToolCall): Promise<ListInboxOutput> {
  const query = {
    labelIds: [FOLDER_LABELS[args.folder], ...(args.unread_only ? ["UNREAD"] : [])],
    includeSpamTrash: args.folder === "TRASH",
  };
  return gmailPage(context, query, args, () => args.folder, call.signal);
}

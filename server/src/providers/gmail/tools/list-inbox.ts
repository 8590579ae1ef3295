// One page of a folder, newest first: its label (and UNREAD for unread_only); TRASH and SPAM are
// listed with includeSpamTrash, which Gmail otherwise leaves out.
import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { labelOfFolder } from "../gmail-labels.js";
import { gmailPage } from "../gmail-listing.js";

export async function listInbox(context: GmailContext, args: ListInboxArgs, call: ToolCall): Promise<ListInboxOutput> {
  const label = await labelOfFolder(context, args.folder, "folder", call.signal);
  const query = {
    labelIds: [label.id, ...(args.unread_only ? ["UNREAD"] : [])],
    includeSpamTrash: label.id === "TRASH" || label.id === "SPAM",
  };
  return gmailPage(context, query, args, () => args.folder, call.signal);
}

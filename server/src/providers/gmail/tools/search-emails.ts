// A search as Gmail's q: the portable syntax translated (gmail-query.ts), or a native query passed
// untouched; held to include_folders (or the four folders) unless a native query names none.
import type { Folder, SearchEmailsArgs, SearchEmailsOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { parsePortableQuery, standardFolders } from "../../search-params.js";
import type { GmailContext } from "../gmail-context.js";
import { gmailPage } from "../gmail-listing.js";
import { folderOf } from "../gmail-message.js";
import type { ListQuery } from "../gmail-pages.js";
import { portableToGmail, restrictToFolders } from "../gmail-query.js";

const ALL_FOLDERS: readonly Folder[] = ["INBOX", "SENT", "DRAFTS", "TRASH"];

export async function searchEmails(
  context: GmailContext,
  args: SearchEmailsArgs,
  call: ToolCall,
): Promise<SearchEmailsOutput> {
  // Both throw ParameterError (-32602) before anything is asked of Gmail.
  const native = args.syntax === "native";
  const folders = native && args.include_folders === undefined ? undefined : standardFolders(args.include_folders);
  const base = native ? args.query : portableToGmail(parsePortableQuery(args.query));
  const query: ListQuery =
    folders === undefined
      ? { q: base }
      : { q: restrictToFolders(base, folders), includeSpamTrash: folders.includes("TRASH") };
  const page = await gmailPage(
    context,
    query,
    args,
    (labelIds) => folderOf(labelIds, folders ?? ALL_FOLDERS),
    call.signal,
  );
  return { ...page, result_ceiling: null, syntax: args.syntax };
}

// A search as Gmail's q: the portable syntax translated (gmail-query.ts), or a native query passed
// untouched; held to include_folders (or the four folders) unless a native query names none. A
// result is shown in the first folder asked for that it is in.
import type { Folder, SearchEmailsArgs, SearchEmailsOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { parsePortableQuery } from "../../search-params.js";
import type { GmailContext } from "../gmail-context.js";
import { folderIdOf, labelOfFolder, labelOperator, type MailLabel } from "../gmail-labels.js";
import { gmailPage } from "../gmail-listing.js";
import { folderOf, standardFolderOf } from "../gmail-message.js";
import type { ListQuery } from "../gmail-pages.js";
import { portableToGmail, restrictToOperators } from "../gmail-query.js";

const ALL_FOLDERS: readonly Folder[] = ["INBOX", "SENT", "DRAFTS", "TRASH"];

export async function searchEmails(
  context: GmailContext,
  args: SearchEmailsArgs,
  call: ToolCall,
): Promise<SearchEmailsOutput> {
  const native = args.syntax === "native";
  // Both refuse with -32602 (ParameterError) before the search is asked of Gmail.
  const base = native ? args.query : portableToGmail(parsePortableQuery(args.query));
  const labels =
    native && args.include_folders === undefined
      ? undefined
      : await Promise.all(
          (args.include_folders ?? ALL_FOLDERS).map((folder, index) =>
            labelOfFolder(context, folder, `include_folders[${index}]`, call.signal),
          ),
        );
  const query: ListQuery =
    labels === undefined
      ? { q: base }
      : {
          q: restrictToOperators(base, labels.map(labelOperator)),
          includeSpamTrash: labels.some((label) => label.id === "TRASH" || label.id === "SPAM"),
        };
  const page = await gmailPage(context, query, args, (labelIds) => shownIn(labelIds, labels), call.signal);
  return { ...page, result_ceiling: null, syntax: args.syntax };
}

function shownIn(labelIds: readonly string[], labels: readonly MailLabel[] | undefined): string {
  if (labels === undefined) return folderOf(labelIds, ALL_FOLDERS);
  const standard = labels.flatMap((label) => (label.folder === undefined ? [] : [label.folder]));
  const own = labels.find((label) => label.folder === undefined && labelIds.includes(label.id));
  return standardFolderOf(labelIds, standard) ?? (own === undefined ? folderOf(labelIds) : folderIdOf(own));
}

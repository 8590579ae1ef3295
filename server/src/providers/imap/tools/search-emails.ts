// A search over the inbox's folders (all selectable ones, or include_folders: the canonical names or
// the ids list_folders gives, their paths), portable syntax translated to SEARCH criteria, native syntax read as
// IMAP SEARCH criteria; counted exactly. The deadline is the call's: when it passes, the pool closes
// the connection the command still runs on.
import type { SearchEmailsArgs, SearchEmailsOutput } from "@mcpemails/generated";
import { pageFields } from "../../core/page-fields.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { ParameterError } from "../../provider.js";
import { parsePortableQuery } from "../../search-params.js";
import type { ImapContext } from "../imap-context.js";
import { isRefusedCharset, serverWords } from "../imap-errors.js";
import { folderPathsOf } from "../imap-folder-param.js";
import { searchFolders } from "../imap-search-folders.js";
import { nativeToImap, portableToImap } from "../imap-search.js";

export async function searchEmails(
  context: ImapContext,
  args: SearchEmailsArgs,
  call: ToolCall,
): Promise<SearchEmailsOutput> {
  // Throws ParameterError (-32602) before the server is asked anything.
  const query = args.syntax === "native" ? nativeToImap(args.query) : portableToImap(parsePortableQuery(args.query));
  try {
    const found = await context.pool.use(
      async (connection) => {
        const paths =
          args.include_folders === undefined
            ? (await context.folders(connection)).selectable
            : (
                await folderPathsOf(
                  context,
                  connection,
                  args.include_folders.map((name, index) => ({ name, parameter: `include_folders[${index}]` })),
                )
              ).filter((path) => path !== null);
        const map = await context.folders(connection);
        return searchFolders(connection, [...new Set(paths)], map, query, args.offset, args.limit);
      },
      { retryOnDrop: true, signal: call.signal },
    );
    return {
      messages: found.messages,
      offset: args.offset,
      limit: args.limit,
      ...pageFields({ offset: args.offset, returned: found.messages.length, count: found.total }),
      result_ceiling: null,
      syntax: args.syntax,
    };
  } catch (error) {
    if (isRefusedCharset(error))
      throw new ParameterError(
        "query",
        "query_term",
        `query: this inbox's IMAP server cannot search non-ASCII text (it refused SEARCH CHARSET UTF-8: ${serverWords(error, context.settings)}); search with ASCII words only.`,
      );
    throw error;
  }
}

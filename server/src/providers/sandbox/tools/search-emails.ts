import { matchesQuery, queryReadsBody, type SearchEmailsArgs, type SearchEmailsOutput } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { parsePortableQuery, standardFolders } from "../../search-params.js";
import { loadSummaries, unreadable, type SandboxContext } from "../sandbox-context.js";
import {
  readSandboxEntry,
  toSearchable,
  toSearchableWithoutBody,
  type SandboxSummaryEntry,
} from "../sandbox-message.js";
import { sandboxPage } from "../sandbox-page.js";

export async function searchEmails(
  context: SandboxContext,
  args: SearchEmailsArgs,
  call: ToolCall,
): Promise<SearchEmailsOutput> {
  // A sandbox inbox has no provider dialect to pass a native query to, so "native" reads the
  // same portable subset (and refuses the same terms); the result says which syntax was asked.
  const query = parsePortableQuery(args.query);
  const folders: readonly string[] = standardFolders(args.include_folders);
  const entries = await loadSummaries(context, context.inbox.id);
  let matching: SandboxSummaryEntry[];
  if (queryReadsBody(query)) {
    // Only word and phrase terms look at bodies; one message's source at a time keeps memory flat.
    matching = [];
    for (const candidate of entries) {
      // Each read is the store's: a search the caller left or the deadline ended stops here.
      call.signal.throwIfAborted();
      if (!folders.includes(candidate.message.folder)) continue;
      const stored = await context.mailbox.getSandboxMessage(context.inbox.id, candidate.message.id);
      if (stored === undefined) continue;
      const entry = readSandboxEntry(stored);
      if (entry === undefined) throw unreadable(context);
      if (matchesQuery(query, toSearchable(entry))) matching.push(candidate);
    }
  } else {
    matching = entries.filter(
      (entry) => folders.includes(entry.message.folder) && matchesQuery(query, toSearchableWithoutBody(entry)),
    );
  }
  return { ...sandboxPage(matching, args), result_ceiling: null, syntax: args.syntax };
}

// A page of sandbox messages: newest first, counted exactly.
import type { ListInboxOutput } from "@mcpemails/generated";
import { pageFields } from "../core/page-fields.js";
import { sortedNewestFirst, toSummary, type SandboxSummaryEntry } from "./sandbox-message.js";

export function sandboxPage(
  entries: readonly SandboxSummaryEntry[],
  args: { offset: number; limit: number },
): ListInboxOutput {
  const sorted = sortedNewestFirst(entries);
  return pageOutput(sorted.slice(args.offset, args.offset + args.limit), sorted.length, args);
}

/** A page the store cut from its listing, in the store's order, and the count of the whole listing. */
export function pageOutput(
  page: readonly SandboxSummaryEntry[],
  total: number,
  args: { offset: number; limit: number },
): ListInboxOutput {
  const messages = page.map(toSummary);
  return {
    messages,
    offset: args.offset,
    limit: args.limit,
    ...pageFields({ offset: args.offset, returned: messages.length, count: total }),
  };
}

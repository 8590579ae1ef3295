// Run last, over every page of list_inbox and search_emails the run has seen (decisions.pagination):
// each echoes the offset and limit it was asked for, holds at most limit messages, points
// next_offset at offset + limit or says null on the last page, and, where total is exact, agrees
// with it. Judged on the answers every other check got, at no cost in calls.
import { toolInputSchemas } from "@mcpemails/generated/json-schemas";
import { failed, passed, skipped, type Check } from "../check.js";

const DEFAULT_LIMITS = {
  list_inbox: (toolInputSchemas.list_inbox.properties.limit as { default: number }).default,
  search_emails: (toolInputSchemas.search_emails.properties.limit as { default: number }).default,
};

interface Page {
  messages: unknown[];
  offset: number;
  limit: number;
  next_offset: number | null;
  total: number | null;
  total_is_estimate: boolean;
  result_ceiling?: number | null;
}

export function pageArithmeticChecks(): Check[] {
  return [
    {
      id: "behaviour.page-arithmetic",
      stage: "behaviour",
      specRef: "decisions.pagination",
      description:
        "every page seen echoes its offset and limit, holds at most limit messages, has next_offset = offset + limit or null, and agrees with an exact total",
      async run({ client }) {
        let judged = 0;
        for (const { tool, result, exchange } of client.toolResults) {
          if ((tool !== "list_inbox" && tool !== "search_emails") || result.isError === true) continue;
          const args = requestArguments(exchange.request.body);
          const page = result.structuredContent as Page | undefined;
          if (args === undefined || page === undefined || !Array.isArray(page.messages)) continue;
          const problem = pageProblem(page, args, DEFAULT_LIMITS[tool]);
          if (problem !== undefined) return failed(`${tool} ${JSON.stringify(args)}: ${problem}`, exchange);
          judged++;
        }
        return judged === 0 ? skipped("no page of list_inbox or search_emails was seen") : passed(`${judged} pages`);
      },
    },
  ];
}

/** The tools/call arguments of a recorded request body, unless it was cut short or is not one. */
function requestArguments(body: string): Record<string, unknown> | undefined {
  try {
    const message = JSON.parse(body) as { params?: { arguments?: unknown } };
    const args = message.params?.arguments;
    return args !== null && typeof args === "object" && !Array.isArray(args)
      ? (args as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function pageProblem(page: Page, args: Record<string, unknown>, defaultLimit: number): string | undefined {
  const offset = typeof args.offset === "number" ? args.offset : 0;
  const limit = typeof args.limit === "number" ? args.limit : defaultLimit;
  const listed = page.messages.length;
  if (page.offset !== offset) return `offset is ${page.offset}, not the ${offset} asked for`;
  if (page.limit !== limit) return `limit is ${page.limit}, not the ${limit} asked for`;
  if (listed > limit) return `${listed} messages on a page of limit ${limit}`;
  if (page.next_offset !== null && page.next_offset !== offset + limit)
    return `next_offset is ${page.next_offset}, not offset + limit = ${offset + limit}`;
  if (page.total === null || page.total_is_estimate) return undefined;
  if (listed > 0 && offset + listed > page.total)
    return `total is ${page.total}, but the page lists up to message ${offset + listed}`;
  if (page.next_offset !== null && page.next_offset >= page.total)
    return `next_offset ${page.next_offset} points past the last of the total ${page.total}`;
  const capped = typeof page.result_ceiling === "number" && offset + limit >= page.result_ceiling;
  if (page.next_offset === null && offset + limit < page.total && !capped)
    return `next_offset is null, but the total ${page.total} is more than offset + limit = ${offset + limit}`;
  return undefined;
}

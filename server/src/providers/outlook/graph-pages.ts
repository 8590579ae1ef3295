// Every page of a Graph collection, following its nextLinks (https://learn.microsoft.com/graph/paging:
// the link is opaque and followed as given), up to a number of items.
import type { GraphClient } from "./graph-client.js";

interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/** The items of the collection at `path` (with `query`), at most `max` of them. */
export async function allPages<T>(
  graph: GraphClient,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let page = await graph.json<Page<T>>({ method: "GET", path, query, signal });
  for (;;) {
    items.push(...page.value);
    const next = page["@odata.nextLink"];
    if (items.length >= max) return items.slice(0, max);
    if (next === undefined) return items;
    page = await graph.json<Page<T>>({ method: "GET", path: next, signal });
  }
}

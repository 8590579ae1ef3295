// Every page of a Graph collection, following its nextLinks (https://learn.microsoft.com/graph/paging:
// the link is opaque and followed as given), up to a number of items.
import type { GraphClient } from "./graph-client.js";

interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/** The items of the collection at `path` (with `query`), at most `max` of them, and whether more were left. */
export async function allPages<T>(
  graph: GraphClient,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
  max = Number.POSITIVE_INFINITY,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let page = await graph.json<Page<T>>({ method: "GET", path, query, signal });
  for (;;) {
    items.push(...page.value);
    const next = page["@odata.nextLink"];
    if (items.length >= max) return { items: items.slice(0, max), more: items.length > max || next !== undefined };
    if (next === undefined) return { items, more: false };
    page = await graph.json<Page<T>>({ method: "GET", path: next, signal });
  }
}

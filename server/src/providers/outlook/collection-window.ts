// The messages [offset, offset + limit) of a Graph message collection, counted among the ones a
// caller keeps, reached by following nextLinks only. Graph's $skip counts the store items it passes,
// not the messages it returns, so a $skip computed from an offset lands on messages already shown (or
// past some never shown): "Do not try to extract the $skiptoken or $skip value and use it in a
// different request" (https://learn.microsoft.com/graph/paging), and Microsoft on a nextLink's $skip
// of 7 after 5 messages: "There are objects in our back end that are not message objects we return"
// (https://github.com/microsoftgraph/microsoft-graph-docs/issues/5029). A walk starts at the nearest
// checkpoint (the core's PageCheckpoints, a nextLink its token) and leaves one at the end of every
// page it fetches.
import type { Message } from "@microsoft/microsoft-graph-types";
import type { PageCheckpoints } from "../core/page-checkpoints.js";
import { GRAPH_BASE, type GraphClient } from "./graph-client.js";

/** Graph's largest $top for messages. */
const MAX_TOP = 1000;
/** Requests one window may make: a service that answers empty pages with nextLinks forever does not stall a call. */
const MAX_REQUESTS = 50;

export interface CollectionPage {
  value: Message[];
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
}

export interface WindowRequest {
  /** Names the query among the checkpoints: the same key, the same collection and keep rule. */
  key: string;
  /** The first page's URL, every query option but $top set. */
  first: URL;
  /** Whether a message counts; those that do not are skipped over. */
  keep: (message: Message) => Promise<boolean> | boolean;
  offset: number;
  limit: number;
  /** Messages a request asks for at least: more when many may be left out. */
  minBatch: number;
  signal: AbortSignal;
}

export interface CollectionWindow {
  messages: Message[];
  /** The offset after the last message returned. */
  end: number;
  /** Whether the collection has nothing after what was fetched. */
  exhausted: boolean;
  /** Kept messages from the start to the last one fetched. */
  keptThrough: number;
  /** The last @odata.count seen (with $count=true), and how many fetched messages were not kept. */
  count: number | undefined;
  dropped: number;
}

/** The URL of a collection's first page (a path under /v1.0), with these query options. */
export function collectionUrl(base: string, query: Record<string, string>): URL {
  const url = new URL(`${GRAPH_BASE}${base}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

export async function collectionWindow(
  graph: GraphClient,
  checkpoints: PageCheckpoints,
  request: WindowRequest,
): Promise<CollectionWindow> {
  const { key, offset, limit, signal } = request;
  const start = checkpoints.nearest(key, offset);
  let link = start.token;
  const kept: Message[] = [];
  let exhausted = false;
  let count: number | undefined;
  let dropped = 0;
  for (let requests = 0; start.offset + kept.length < offset + limit && requests < MAX_REQUESTS; requests++) {
    const url = new URL(link ?? request.first);
    // A nextLink keeps the $top of the request it came from; each request asks for what is lacking.
    const lacking = offset + limit - (start.offset + kept.length);
    url.searchParams.set("$top", String(Math.min(Math.max(lacking, request.minBatch), MAX_TOP)));
    const page = await graph.json<CollectionPage>({ method: "GET", path: url.toString(), signal });
    const keep = await Promise.all(page.value.map((message) => request.keep(message)));
    const keptHere = page.value.filter((_, index) => keep[index] === true);
    kept.push(...keptHere);
    dropped += page.value.length - keptHere.length;
    count = page["@odata.count"] ?? count;
    link = page["@odata.nextLink"] ?? null;
    if (link === null) {
      exhausted = true;
      break;
    }
    checkpoints.remember(key, start.offset + kept.length, link);
  }
  const messages = kept.slice(offset - start.offset, offset - start.offset + limit);
  return {
    messages,
    end: offset + messages.length,
    exhausted,
    keptThrough: start.offset + kept.length,
    count,
    dropped,
  };
}

// A window of a message collection walked by nextLinks only, against a Graph that answers from a script.
import type { Message } from "@microsoft/microsoft-graph-types";
import { describe, expect, it } from "vitest";
import { collectionWindow, type CollectionPage } from "./collection-window.js";
import type { GraphClient, GraphRequest } from "./graph-client.js";
import { PageCheckpoints } from "../core/page-checkpoints.js";

function scriptedGraph(answer: (url: URL) => CollectionPage): GraphClient & { urls: URL[] } {
  const urls: URL[] = [];
  return {
    urls,
    async json<T>(request: GraphRequest) {
      const url = new URL(request.path);
      urls.push(url);
      return answer(url) as T;
    },
    bytes: async () => Buffer.alloc(0),
    send: async () => new Response(null, { status: 204 }),
  };
}

const request = {
  key: "inbox",
  first: new URL("https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages"),
  keep: () => true,
  minBatch: 1,
  signal: new AbortController().signal,
};
const message = (id: string): Message => ({ id });

describe("collectionWindow", () => {
  it("follows the nextLink Graph gave, $skip and all, asking each request for what the page lacks", async () => {
    const graph = scriptedGraph((url) =>
      url.searchParams.get("$skip") === null
        ? { value: [message("a"), message("b")], "@odata.nextLink": `${request.first.href}?$skip=3` }
        : { value: [message("c")] },
    );
    const window = await collectionWindow(graph, new PageCheckpoints(), { ...request, offset: 1, limit: 5 });
    expect(window.messages.map((m) => m.id)).toEqual(["b", "c"]);
    expect(window).toMatchObject({ end: 3, exhausted: true, keptThrough: 3 });
    expect(graph.urls.map((url) => [url.searchParams.get("$skip"), url.searchParams.get("$top")])).toEqual([
      [null, "6"],
      ["3", "4"],
    ]);
  });

  it("stops after a bounded number of requests when Graph answers empty pages with nextLinks forever, saying there may be more", async () => {
    const graph = scriptedGraph(() => ({ value: [], "@odata.nextLink": `${request.first.href}?$skip=1` }));
    const window = await collectionWindow(graph, new PageCheckpoints(), { ...request, offset: 0, limit: 10 });
    expect(window).toMatchObject({ messages: [], exhausted: false });
    expect(graph.urls.length).toBe(50);
  });
});

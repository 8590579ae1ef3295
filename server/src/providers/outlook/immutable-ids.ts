// The messages of a $search with the immutable ids every other call gives: $search ignores Prefer:
// IdType="ImmutableId" (https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/698), and its
// REST ids die when the message moves. One translateExchangeIds per 1,000 ids; an id Graph cannot
// translate (the message is gone since) stays as found.
import type { Message } from "@microsoft/microsoft-graph-types";
import type { GraphClient } from "./graph-client.js";

/** translateExchangeIds takes at most this many ids a call (https://learn.microsoft.com/graph/api/user-translateexchangeids). */
const TRANSLATE_BATCH = 1000;

export async function withImmutableIds(
  graph: GraphClient,
  messages: readonly Message[],
  signal: AbortSignal,
): Promise<Message[]> {
  const ids = messages.flatMap((message) => (message.id ? [message.id] : []));
  const immutable = new Map<string, string>();
  for (let start = 0; start < ids.length; start += TRANSLATE_BATCH) {
    const answer = await graph.json<{ value?: Array<{ sourceId?: string; targetId?: string }> }>({
      method: "POST",
      path: "/me/translateExchangeIds",
      body: JSON.stringify({
        inputIds: ids.slice(start, start + TRANSLATE_BATCH),
        sourceIdType: "restId",
        targetIdType: "restImmutableEntryId",
      }),
      contentType: "application/json",
      signal,
    });
    for (const { sourceId, targetId } of answer.value ?? [])
      if (sourceId && targetId) immutable.set(sourceId, targetId);
  }
  return messages.map((message) => ({ ...message, id: immutable.get(message.id ?? "") ?? message.id }));
}

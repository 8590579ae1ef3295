// A message id goes into a Graph URL path. Graph ids are base64 (or base64url, for immutable ids)
// of binary entry ids; anything else, such as "..", "?" or "#", would change the path or the query
// the request reaches once in a URL (/v1.0/me/messages/.. is /v1.0/me/), so it never gets there.
import { GraphRequestError } from "./graph-request-error.js";

const GRAPH_ID = /^[A-Za-z0-9+/=_-]{1,2048}$/u;

/** The message's path under /v1.0; for an id Graph cannot have issued, the error Graph gives for a malformed one. */
export function messagePath(messageId: string): string {
  if (!GRAPH_ID.test(messageId)) throw new GraphRequestError(400, "ErrorInvalidIdMalformed", "not an id Graph issues");
  return `/me/messages/${encodeURIComponent(messageId)}`;
}

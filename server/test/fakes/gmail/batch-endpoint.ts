// Gmail's batch endpoint (POST https://gmail.googleapis.com/batch/gmail/v1) as Google documents
// it: a multipart/mixed body of application/http parts, each one API request whose headers
// (Authorization above all) default to the outer request's; the answer is multipart/mixed with
// one application/http part per request, Content-ID "response-" + the request's, in order. At most
// 100 requests per batch. A part's request line names the path of its URL only: "full URLs are not
// allowed in batch requests" (https://developers.google.com/gmail/api/guides/batch), so the fake
// answers a part with a full URL 400 (the guide does not say how Google answers one). Each part is
// served by the same router as a direct call.
//
// Google runs a batch's parts concurrently, and "the Gmail API enforces a per-user concurrent request
// limit (in addition to the per-user rate limit). This limit is shared by all Gmail API clients
// accessing a given user"; past it: 429 "Too many requests"
// (https://developers.google.com/workspace/gmail/api/guides/handle-errors), answered per part as
// "Too many concurrent requests for user" (rateLimitExceeded), reported from 25 to 100 parts of a
// batch; Google advises batches of at most 50, "larger batch sizes are likely to trigger rate
// limiting" (https://developers.google.com/gmail/api/guides/batch). Google gives no figure: the fake
// serves the first concurrentPartsPerUser parts of a batch (25, the fewest reported, unless told) and refuses the rest so.
import { http, HttpResponse } from "msw";
import {
  findRoute,
  googleError,
  GMAIL_ORIGIN,
  headerEnd,
  serve,
  splitMultipart,
  type ApiState,
  type EndpointName,
} from "./fake-gmail-api.js";

export const BATCH_URL = `${GMAIL_ORIGIN}/batch/gmail/v1`;
export const BATCH_MAX_PARTS = 100;

export interface BatchHooks {
  count(): void;
  countPart(endpoint: EndpointName | "unknown" | "refused"): void;
  /** Parts of one batch Gmail runs at once for a user; the rest are refused 429. */
  concurrentPartsPerUser(): number;
}

export function batchEndpointHandler(state: ApiState, hooks: BatchHooks) {
  return http.post(BATCH_URL, async ({ request }) => {
    hooks.count();
    const boundary = /^multipart\/mixed;.*boundary="?([^";]+)"?/iu.exec(request.headers.get("content-type") ?? "")?.[1];
    if (boundary === undefined)
      return googleError(
        400,
        "INVALID_ARGUMENT",
        "badRequest",
        "A batch request must be multipart/mixed with a boundary.",
      );
    const parts = splitMultipart(Buffer.from(await request.arrayBuffer()), boundary);
    if (parts.length === 0)
      return googleError(400, "INVALID_ARGUMENT", "badRequest", "The batch request has no parts.");
    if (parts.length > BATCH_MAX_PARTS)
      return googleError(
        400,
        "INVALID_ARGUMENT",
        "badRequest",
        `A batch request may hold at most ${BATCH_MAX_PARTS} calls.`,
      );
    const answers: string[] = [];
    const responseBoundary = `batch_${Math.random().toString(36).slice(2)}`;
    let running = 0;
    for (const part of parts) {
      const inner =
        running++ < hooks.concurrentPartsPerUser()
          ? await answerPart(state, hooks, part.body, request.headers)
          : tooManyConcurrent(hooks);
      const contentId = part.headers.get("content-id");
      answers.push(
        `--${responseBoundary}\r\nContent-Type: application/http\r\n${contentId === null ? "" : `Content-ID: ${responseId(contentId)}\r\n`}\r\n` +
          `HTTP/1.1 ${inner.status} ${inner.statusText || "OK"}\r\n${[...inner.headers].map(([name, value]) => `${name}: ${value}`).join("\r\n")}\r\n\r\n${await inner.text()}\r\n`,
      );
    }
    return new HttpResponse(`${answers.join("")}--${responseBoundary}--\r\n`, {
      status: 200,
      headers: { "content-type": `multipart/mixed; boundary=${responseBoundary}` },
    });
  });
}

function tooManyConcurrent(hooks: BatchHooks): Response {
  hooks.countPart("refused");
  return googleError(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Too many concurrent requests for user");
}

function responseId(contentId: string): string {
  const bare = contentId.replace(/^<|>$/gu, "");
  return `<response-${bare}>`;
}

async function answerPart(state: ApiState, hooks: BatchHooks, message: Buffer, outer: Headers): Promise<Response> {
  const split = headerEnd(message);
  const [requestLine = "", ...headerLines] = message.subarray(0, split.start).toString("utf8").split(/\r?\n/u);
  const [method = "", target = ""] = requestLine.split(" ");
  const headers = new Headers({ authorization: outer.get("authorization") ?? "" });
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  if (!target.startsWith("/")) {
    hooks.countPart("unknown");
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "badRequest",
      `A batch part's request line takes the path of the URL, not a full URL: ${target}`,
    );
  }
  const url = new URL(target, GMAIL_ORIGIN);
  const found = findRoute(method, url);
  hooks.countPart(found?.route.endpoint ?? "unknown");
  if (found === undefined)
    return googleError(404, "NOT_FOUND", "notFound", `No such method: ${method} ${url.pathname}`);
  const body = message.subarray(split.end);
  return serve(state, found.route, found.params, { method, url, headers, body: async () => body });
}

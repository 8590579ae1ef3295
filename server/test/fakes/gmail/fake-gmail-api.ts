// The Gmail REST endpoints the provider uses, answered from the fake's state with Gmail's
// documented shapes (typed with the client's own gmail_v1 types, so a drift fails tsc), scopes,
// limits and errors. One router serves both msw's handlers and the parts of a batch request.
import type { gmail_v1 } from "@googleapis/gmail";
import { delay, HttpResponse, matchRequestUrl } from "msw";
import { DRAFT_ROUTES } from "./fake-gmail-drafts.js";
import { LABEL_ROUTES } from "./fake-gmail-labels.js";
import { userLabels } from "./fake-label-registry.js";
import { mimeTree } from "./fake-mime-tree.js";
import { compileQuery, FakeQueryError } from "./fake-query.js";
import { SYSTEM_LABELS, type FakeMailboxes, type FakeMessage, type Mailbox } from "./fake-mailbox.js";
import { GMAIL_SCOPE, type FakeOAuth } from "./fake-oauth.js";

export const GMAIL_ORIGIN = "https://gmail.googleapis.com";

/**
 * The largest JSON body messages.send takes. Google documents none for the `raw` field: its uploads
 * guide (https://developers.google.com/gmail/api/guides/uploads) sends messages of any size through
 * /upload, and its reference (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/send)
 * gives only the upload's 35 MB. Users report 400 "Request payload size exceeds the limit: 1048576
 * bytes." for a JSON send with a 1.4 MB attachment (googleapis/google-api-dotnet-client#856), so the
 * fake holds JSON bodies to the smallest limit seen, not to the 5 MB of the guide's simple upload.
 */
export const JSON_SEND_MAX_BYTES = 1024 * 1024;
/** messages.send through /upload: "Maximum file size: 35MB", 36700160 bytes (the method's reference). */
export const UPLOAD_SEND_MAX_BYTES = 35 * 1024 * 1024;

export type EndpointName =
  | "getProfile"
  | "messages.list"
  | "messages.get"
  | "messages.modify"
  | "messages.send"
  | "messages.send.upload"
  | "labels.list"
  | "labels.get"
  | "threads.get"
  | "drafts.create"
  | "drafts.update"
  | "drafts.get"
  | "drafts.delete"
  | "drafts.send";

/** A failure a test asks for: the next `times` requests to the endpoint get it. */
export interface Fault {
  endpoint: EndpointName;
  /** The error status to answer; none for a fault that only delays. */
  status?: number;
  /** Google's error reason, e.g. rateLimitExceeded, userRateLimitExceeded, backendError. */
  reason?: string;
  retryAfterSeconds?: number;
  /** Do the work, then fail: the client cannot tell whether it happened (a send accepted, a 5xx answered). */
  afterExecuting?: boolean;
  /** Answer only after this long (a slow backend). */
  delayMs?: number;
  times?: number;
}

export interface ApiRequest {
  method: string;
  url: URL;
  headers: Headers;
  body(): Promise<Buffer>;
}

export interface ApiState {
  mailboxes: FakeMailboxes;
  oauth: FakeOAuth;
  takeFault(endpoint: EndpointName): Fault | undefined;
}

export interface Context {
  state: ApiState;
  request: ApiRequest;
  mailbox: Mailbox;
  params: Record<string, string>;
  grantScopes: readonly string[];
}

export interface Route {
  endpoint: EndpointName;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  /** Any of these scopes allows the call (the method's "Authorization scopes" in Gmail's reference). */
  scopes: readonly string[];
  handle(context: Context): Promise<Response>;
}

const READ_SCOPES: readonly string[] = [
  GMAIL_SCOPE.full,
  GMAIL_SCOPE.modify,
  GMAIL_SCOPE.readonly,
  GMAIL_SCOPE.metadata,
];

export const ROUTES: readonly Route[] = [
  {
    endpoint: "getProfile",
    method: "GET",
    path: `${GMAIL_ORIGIN}/gmail/v1/users/:userId/profile`,
    scopes: [...READ_SCOPES, GMAIL_SCOPE.compose],
    handle: getProfile,
  },
  {
    endpoint: "messages.list",
    method: "GET",
    path: `${GMAIL_ORIGIN}/gmail/v1/users/:userId/messages`,
    scopes: READ_SCOPES,
    handle: listMessages,
  },
  // Google's method override: a GET too long for a URL, sent as a POST with the parameters in a form body.
  {
    endpoint: "messages.list",
    method: "POST",
    path: `${GMAIL_ORIGIN}/gmail/v1/users/:userId/messages`,
    scopes: READ_SCOPES,
    handle: listMessagesOverridden,
  },
  {
    endpoint: "messages.send",
    method: "POST",
    path: `${GMAIL_ORIGIN}/gmail/v1/users/:userId/messages/send`,
    scopes: [GMAIL_SCOPE.full, GMAIL_SCOPE.modify, GMAIL_SCOPE.compose, GMAIL_SCOPE.send],
    handle: sendJson,
  },
  {
    endpoint: "messages.send.upload",
    method: "POST",
    path: `${GMAIL_ORIGIN}/upload/gmail/v1/users/:userId/messages/send`,
    scopes: [GMAIL_SCOPE.full, GMAIL_SCOPE.modify, GMAIL_SCOPE.compose, GMAIL_SCOPE.send],
    handle: sendUpload,
  },
  {
    endpoint: "messages.get",
    method: "GET",
    path: `${GMAIL_ORIGIN}/gmail/v1/users/:userId/messages/:id`,
    scopes: READ_SCOPES,
    handle: getMessage,
  },
  {
    endpoint: "messages.modify",
    method: "POST",
    path: `${GMAIL_ORIGIN}/gmail/v1/users/:userId/messages/:id/modify`,
    scopes: [GMAIL_SCOPE.full, GMAIL_SCOPE.modify],
    handle: modifyMessage,
  },
  ...LABEL_ROUTES,
  ...DRAFT_ROUTES,
];

export function findRoute(method: string, url: URL): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method.toUpperCase()) continue;
    const match = matchRequestUrl(url, route.path);
    if (match.matches) return { route, params: match.params as Record<string, string> };
  }
  return undefined;
}

/** One API call: authentication, scope, the fault a test asked for, then the endpoint itself. */
export async function serve(
  state: ApiState,
  route: Route,
  params: Record<string, string>,
  request: ApiRequest,
): Promise<Response> {
  const grant = state.oauth.authenticate(request.headers.get("authorization"));
  if (grant === undefined) {
    const response = googleError(
      401,
      "UNAUTHENTICATED",
      "authError",
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    );
    response.headers.set("www-authenticate", 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
    return response;
  }
  if (!route.scopes.some((scope) => grant.scopes.includes(scope))) {
    return googleError(
      403,
      "PERMISSION_DENIED",
      "insufficientPermissions",
      "Request had insufficient authentication scopes.",
    );
  }
  const userId = params.userId ?? "";
  if (userId !== "me" && userId.toLowerCase() !== grant.address.toLowerCase())
    return googleError(403, "PERMISSION_DENIED", "forbidden", "Delegation denied for " + grant.address);
  const mailbox = state.mailboxes.mailbox(grant.address);
  if (mailbox === undefined)
    return googleError(400, "FAILED_PRECONDITION", "failedPrecondition", "Mail service not enabled");
  const fault = state.takeFault(route.endpoint);
  if (fault?.delayMs !== undefined) await delay(fault.delayMs);
  const context: Context = { state, request, mailbox, params, grantScopes: grant.scopes };
  if (fault?.status === undefined) return route.handle(context);
  if (fault.afterExecuting) await route.handle(context);
  return faultResponse(fault.status, fault);
}

function faultResponse(status: number, fault: Fault): Response {
  const reason =
    fault.reason ?? (status === 429 ? "rateLimitExceeded" : status >= 500 ? "backendError" : "failedPrecondition");
  const message =
    status === 429 || reason.endsWith("RateLimitExceeded") || reason === "rateLimitExceeded"
      ? "User-rate limit exceeded."
      : status >= 500
        ? "Backend Error"
        : "Precondition check failed.";
  const response = googleError(
    status,
    status === 429 ? "RESOURCE_EXHAUSTED" : status >= 500 ? "UNAVAILABLE" : "FAILED_PRECONDITION",
    reason,
    message,
  );
  if (fault.retryAfterSeconds !== undefined) response.headers.set("retry-after", String(fault.retryAfterSeconds));
  return response;
}

/** Google's JSON error body (https://cloud.google.com/apis/design/errors), with the legacy errors[] Gmail still sends. */
export function googleError(
  code: number,
  status: string,
  reason: string,
  message: string,
  domain = "global",
): Response {
  return HttpResponse.json(
    { error: { code, message, errors: [{ message, domain, reason }], status } },
    { status: code },
  );
}

async function getProfile({ mailbox }: Context): Promise<Response> {
  const threads = new Set([...mailbox.messages.values()].map((message) => message.threadId));
  const profile: gmail_v1.Schema$Profile = {
    emailAddress: mailbox.address,
    messagesTotal: mailbox.messages.size,
    threadsTotal: threads.size,
    historyId: "1",
  };
  return HttpResponse.json(profile);
}

/**
 * messages.list: ids newest first; labelIds must all be present; SPAM and TRASH left out unless
 * includeSpamTrash or a labelIds names them; maxResults 100 by default, at most 500; page tokens
 * opaque and bound to the query; resultSizeEstimate (exact here, an estimate at Google).
 */
async function listMessages({ request, mailbox }: Context): Promise<Response> {
  const search = request.url.searchParams;
  const labelIds = search.getAll("labelIds");
  const includeSpamTrash =
    search.get("includeSpamTrash") === "true" || labelIds.includes("TRASH") || labelIds.includes("SPAM");
  const q = search.get("q") ?? "";
  const maxResults = Math.min(Number(search.get("maxResults") ?? 100) || 100, 500);
  let matches: (message: FakeMessage) => boolean;
  try {
    matches = compileQuery(q);
  } catch (error) {
    if (error instanceof FakeQueryError)
      return googleError(400, "INVALID_ARGUMENT", "invalidArgument", `Invalid query: ${error.message}`);
    throw error;
  }
  const found = [...mailbox.messages.values()]
    .filter((message) => labelIds.every((label) => message.labelIds.has(label)))
    .filter((message) => includeSpamTrash || (!message.labelIds.has("SPAM") && !message.labelIds.has("TRASH")))
    .filter(matches)
    .sort((a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1));
  const queryKey = JSON.stringify([labelIds, includeSpamTrash, q]);
  const pageToken = search.get("pageToken");
  let start = 0;
  if (pageToken !== null) {
    const decoded = decodePageToken(pageToken);
    if (decoded === undefined || decoded.key !== queryKey)
      return googleError(400, "INVALID_ARGUMENT", "invalidArgument", "Invalid pageToken");
    start = decoded.offset;
  }
  const page = found.slice(start, start + maxResults);
  const answer: gmail_v1.Schema$ListMessagesResponse = {
    ...(page.length > 0 ? { messages: page.map((message) => ({ id: message.id, threadId: message.threadId })) } : {}),
    ...(start + maxResults < found.length
      ? { nextPageToken: encodePageToken({ offset: start + maxResults, key: queryKey }) }
      : {}),
    resultSizeEstimate: found.length,
  };
  return HttpResponse.json(answer);
}

/**
 * POST to the messages collection is messages.insert, unless X-HTTP-Method-Override says GET: then
 * it is messages.list with the form-encoded body as its query string. The fake serves no insert.
 */
async function listMessagesOverridden(context: Context): Promise<Response> {
  if (context.request.headers.get("x-http-method-override")?.toUpperCase() !== "GET") {
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "The fake serves POST to messages only as messages.list under X-HTTP-Method-Override: GET, not messages.insert.",
    );
  }
  if (!/^application\/x-www-form-urlencoded/iu.test(context.request.headers.get("content-type") ?? "")) {
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "A method-overridden GET carries its parameters as application/x-www-form-urlencoded.",
    );
  }
  const url = new URL(context.request.url);
  url.search = (await context.request.body()).toString("utf8");
  return listMessages({ ...context, request: { ...context.request, url } });
}

function encodePageToken(token: { offset: number; key: string }): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodePageToken(text: string): { offset: number; key: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as { offset?: unknown; key?: unknown };
    return typeof value.offset === "number" && typeof value.key === "string"
      ? { offset: value.offset, key: value.key }
      : undefined;
  } catch {
    return undefined;
  }
}

/** messages.get in format minimal, metadata (headers named by metadataHeaders, all when none), full (the MIME tree) or raw. */
async function getMessage({ request, mailbox, params, grantScopes }: Context): Promise<Response> {
  const message = mailbox.messages.get(params.id ?? "");
  if (message === undefined) return googleError(404, "NOT_FOUND", "notFound", "Requested entity was not found.");
  const format = request.url.searchParams.get("format") ?? "full";
  if (format === "minimal") return HttpResponse.json(minimal(message));
  if (format === "metadata") {
    const wanted = request.url.searchParams.getAll("metadataHeaders").map((name) => name.toLowerCase());
    const headers = message.headers.filter(
      (header) => wanted.length === 0 || wanted.includes(header.name.toLowerCase()),
    );
    const answer: gmail_v1.Schema$Message = {
      ...minimal(message),
      payload: { partId: "", mimeType: message.mimeType, filename: "", headers, body: { size: 0 } },
    };
    return HttpResponse.json(answer);
  }
  if (
    (format === "raw" || format === "full") &&
    !grantScopes.some((scope) => scope !== GMAIL_SCOPE.metadata && READ_SCOPES.includes(scope))
  ) {
    return googleError(
      403,
      "PERMISSION_DENIED",
      "forbidden",
      `Metadata scope doesn't allow format ${format.toUpperCase()}`,
    );
  }
  if (format === "raw") {
    const answer: gmail_v1.Schema$Message = { ...minimal(message), raw: message.raw.toString("base64url") };
    return HttpResponse.json(answer);
  }
  if (format === "full") {
    const answer: gmail_v1.Schema$Message = { ...minimal(message), payload: mimeTree(message.raw, message.id) };
    return HttpResponse.json(answer);
  }
  return googleError(
    400,
    "INVALID_ARGUMENT",
    "invalidArgument",
    `The fake serves format minimal, metadata, full and raw, not ${format}.`,
  );
}

/** A message in format minimal (messages.get, threads.get). */
export function minimal(message: FakeMessage): gmail_v1.Schema$Message {
  return {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    snippet: message.snippet,
    sizeEstimate: message.raw.length,
    historyId: "1",
    internalDate: String(message.internalDate),
  };
}

async function modifyMessage({ request, mailbox, params }: Context): Promise<Response> {
  const message = mailbox.messages.get(params.id ?? "");
  if (message === undefined) return googleError(404, "NOT_FOUND", "notFound", "Requested entity was not found.");
  const change = JSON.parse((await request.body()).toString("utf8")) as gmail_v1.Schema$ModifyMessageRequest;
  const known = new Set<string>([...SYSTEM_LABELS, ...userLabels(mailbox)]);
  const unknown = [...(change.addLabelIds ?? []), ...(change.removeLabelIds ?? [])].find((label) => !known.has(label));
  if (unknown !== undefined)
    return googleError(400, "INVALID_ARGUMENT", "invalidArgument", `Invalid label: ${unknown}`);
  for (const label of change.addLabelIds ?? []) message.labelIds.add(label);
  for (const label of change.removeLabelIds ?? []) message.labelIds.delete(label);
  return HttpResponse.json(minimal(message));
}

/** messages.send with the message in the JSON body (base64url raw): small messages only (JSON_SEND_MAX_BYTES). */
async function sendJson({ request, mailbox, state }: Context): Promise<Response> {
  const body = await request.body();
  if (body.length > JSON_SEND_MAX_BYTES)
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "badRequest",
      `Request payload size exceeds the limit: ${JSON_SEND_MAX_BYTES} bytes.`,
    );
  const message = JSON.parse(body.toString("utf8")) as gmail_v1.Schema$Message;
  if (typeof message.raw !== "string" || message.raw === "")
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
    );
  return deliver(state, mailbox, Buffer.from(message.raw, "base64url"), message.threadId ?? null);
}

/**
 * messages.send through /upload, as the uploads guide describes: uploadType=media is the message
 * alone, its Content-Type one of the method's "Accepted Media MIME types: message/*"; multipart is
 * multipart/related of the Message resource as JSON (threadId for a reply goes there), then the
 * message. Up to 35 MB either way.
 */
async function sendUpload({ request, mailbox, state }: Context): Promise<Response> {
  const body = await request.body();
  const uploadType = request.url.searchParams.get("uploadType");
  const contentType = request.headers.get("content-type") ?? "";
  if (body.length > UPLOAD_SEND_MAX_BYTES * 1.01) return uploadTooLarge();
  if (uploadType === "media") {
    if (!isMessageType(contentType)) return wrongMediaType(contentType);
    if (body.length > UPLOAD_SEND_MAX_BYTES) return uploadTooLarge();
    return deliver(state, mailbox, body, null);
  }
  if (uploadType !== "multipart")
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "uploadType must be media, multipart or resumable; the fake serves media and multipart.",
    );
  const boundary = /^multipart\/related;.*boundary="?([^";]+)"?/iu.exec(contentType)?.[1];
  const parts = boundary === undefined ? [] : splitMultipart(body, boundary);
  const [metadata, content] = parts;
  if (
    metadata === undefined ||
    content === undefined ||
    !/^application\/json/iu.test(metadata.headers.get("content-type") ?? "")
  )
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "A multipart upload is multipart/related of a JSON part, then the media part.",
    );
  if (!isMessageType(content.headers.get("content-type") ?? ""))
    return wrongMediaType(content.headers.get("content-type") ?? "");
  if (content.body.length > UPLOAD_SEND_MAX_BYTES) return uploadTooLarge();
  const resource = JSON.parse(metadata.body.toString("utf8") || "{}") as gmail_v1.Schema$Message;
  return deliver(state, mailbox, content.body, resource.threadId ?? null);
}

function isMessageType(contentType: string): boolean {
  return /^message\/[\w.+-]+\s*(?:;|$)/iu.test(contentType);
}

function wrongMediaType(contentType: string): Response {
  return googleError(
    400,
    "INVALID_ARGUMENT",
    "badContent",
    `Media type '${contentType}' is not supported. Valid media types: [message/*]`,
  );
}

function uploadTooLarge(): Response {
  return googleError(
    413,
    "INVALID_ARGUMENT",
    "uploadTooLarge",
    `Request payload size exceeds the limit: ${UPLOAD_SEND_MAX_BYTES} bytes.`,
  );
}

export async function deliver(
  state: ApiState,
  mailbox: Mailbox,
  raw: Buffer,
  threadId: string | null,
): Promise<Response> {
  const blockedUntil = state.mailboxes.sendingBlockedUntil(mailbox);
  if (blockedUntil !== undefined) return sendingLimitExceeded(blockedUntil);
  const head = raw.subarray(0, Math.max(0, raw.indexOf("\r\n\r\n")) || raw.length).toString("latin1");
  if (!/^(?:to|cc|bcc):\s*\S/imu.test(head))
    return googleError(400, "INVALID_ARGUMENT", "invalidArgument", "Recipient address required");
  const sent = await state.mailboxes.send(mailbox.address, raw, threadId);
  const answer: gmail_v1.Schema$Message = { id: sent.id, threadId: sent.threadId, labelIds: [...sent.labelIds] };
  return HttpResponse.json(answer);
}

/**
 * Past its daily sending limit a user gets 429 "User-rate limit exceeded" "(Mail sending)" "with time
 * to retry" (https://developers.google.com/workspace/gmail/api/guides/handle-errors; the limits:
 * https://support.google.com/a/answer/166852). The time is in the message, in the form users quote
 * ("User-rate limit exceeded.  Retry after 2024-11-12T11:16:42.247Z (Forwarding rules)",
 * googleapis/google-api-ruby-client#20544), and no Retry-After header comes with it.
 */
function sendingLimitExceeded(until: number): Response {
  return googleError(
    429,
    "RESOURCE_EXHAUSTED",
    "rateLimitExceeded",
    `User-rate limit exceeded.  Retry after ${new Date(until).toISOString()} (Mail sending)`,
    "usageLimits",
  );
}

export interface BodyPart {
  headers: Headers;
  body: Buffer;
}

/** The parts of a multipart body (RFC 2046), bytes untouched. */
export function splitMultipart(body: Buffer, boundary: string): BodyPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: BodyPart[] = [];
  let position = body.indexOf(delimiter);
  while (position >= 0) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    let chunk = body.subarray(start, next);
    chunk = chunk.subarray(chunk.indexOf("\n") + 1);
    if (chunk.subarray(-2).toString() === "\r\n") chunk = chunk.subarray(0, -2);
    else if (chunk.subarray(-1).toString() === "\n") chunk = chunk.subarray(0, -1);
    const split = headerEnd(chunk);
    const headers = new Headers();
    for (const line of chunk.subarray(0, split.start).toString("utf8").split(/\r?\n/u)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    parts.push({ headers, body: chunk.subarray(split.end) });
    position = next;
  }
  return parts;
}

/** Where a header block ends: the first empty line (CRLF or LF). */
export function headerEnd(chunk: Buffer): { start: number; end: number } {
  const crlf = chunk.indexOf("\r\n\r\n");
  const lf = chunk.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { start: crlf, end: crlf + 4 };
  if (lf >= 0) return { start: lf, end: lf + 2 };
  if (chunk.subarray(0, 2).toString() === "\r\n") return { start: 0, end: 2 };
  return { start: chunk.length, end: chunk.length };
}

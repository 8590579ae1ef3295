// Gmail's drafts (users.drafts), as its reference documents them
// (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.drafts):
// - a draft is a message with the DRAFT label, named by a draft id of its own; create and update take
//   the message as media (message/*) under /upload, the Draft resource (message.threadId for a reply
//   draft) in the JSON part of a multipart upload;
// - update "replaces a draft's content": the draft keeps its id, its message is a new one (a new
//   message id), as users of the API report (the old message id answers 404 afterwards);
// - get with format=raw gives the message's source, base64url-encoded;
// - delete "immediately and permanently deletes the specified draft. Does not simply trash it.";
// - send "sends the specified, existing draft to the recipients in the To, Cc, and Bcc headers": the
//   draft is gone, the message is filed with SENT, under the sending limit like messages.send;
// - an id the mailbox has no draft for: 404 "Requested entity was not found.".
import type { gmail_v1 } from "@googleapis/gmail";
import { HttpResponse } from "msw";
import { deliver, googleError, splitMultipart, type Context as RouteContext, type Route } from "./fake-gmail-api.js";
import type { Mailbox } from "./fake-mailbox.js";
import { GMAIL_SCOPE } from "./fake-oauth.js";

const ORIGIN = "https://gmail.googleapis.com";
/** drafts.create and drafts.update: "Maximum file size: 35MB" (their references), as messages.send. */
const UPLOAD_MAX_BYTES = 35 * 1024 * 1024;
/** The scopes of every drafts method in Gmail's reference. */
const DRAFT_SCOPES = [GMAIL_SCOPE.full, GMAIL_SCOPE.modify, GMAIL_SCOPE.compose];

/** Draft id -> message id, per mailbox. */
const draftsOf = new WeakMap<Mailbox, Map<string, string>>();
let nextDraft = 0;

function drafts(mailbox: Mailbox): Map<string, string> {
  let found = draftsOf.get(mailbox);
  if (found === undefined) draftsOf.set(mailbox, (found = new Map()));
  return found;
}

export const DRAFT_ROUTES: readonly Route[] = [
  {
    endpoint: "drafts.create",
    method: "POST",
    path: `${ORIGIN}/upload/gmail/v1/users/:userId/drafts`,
    scopes: DRAFT_SCOPES,
    handle: createDraft,
  },
  {
    endpoint: "drafts.update",
    method: "PUT",
    path: `${ORIGIN}/upload/gmail/v1/users/:userId/drafts/:id`,
    scopes: DRAFT_SCOPES,
    handle: updateDraft,
  },
  {
    endpoint: "drafts.send",
    method: "POST",
    path: `${ORIGIN}/gmail/v1/users/:userId/drafts/send`,
    scopes: [...DRAFT_SCOPES, GMAIL_SCOPE.send],
    handle: sendDraft,
  },
  {
    endpoint: "drafts.get",
    method: "GET",
    path: `${ORIGIN}/gmail/v1/users/:userId/drafts/:id`,
    scopes: [...DRAFT_SCOPES, GMAIL_SCOPE.readonly],
    handle: getDraft,
  },
  {
    endpoint: "drafts.delete",
    method: "DELETE",
    path: `${ORIGIN}/gmail/v1/users/:userId/drafts/:id`,
    scopes: DRAFT_SCOPES,
    handle: deleteDraft,
  },
];

async function createDraft(context: RouteContext): Promise<Response> {
  const upload = await draftUpload(context);
  if (upload instanceof Response) return upload;
  const id = `r${String(8_000_000_000 + ++nextDraft)}`;
  return fileDraft(context, id, upload);
}

async function updateDraft(context: RouteContext): Promise<Response> {
  const id = context.params.id ?? "";
  const messageId = drafts(context.mailbox).get(id);
  if (messageId === undefined) return notFound();
  const upload = await draftUpload(context);
  if (upload instanceof Response) return upload;
  context.mailbox.messages.delete(messageId);
  return fileDraft(context, id, upload);
}

async function getDraft({ mailbox, params, request }: RouteContext): Promise<Response> {
  const id = params.id ?? "";
  const message = mailbox.messages.get(drafts(mailbox).get(id) ?? "");
  if (message === undefined) return notFound();
  const format = request.url.searchParams.get("format") ?? "full";
  const answer: gmail_v1.Schema$Draft = {
    id,
    message: {
      id: message.id,
      threadId: message.threadId,
      labelIds: [...message.labelIds],
      ...(format === "raw" ? { raw: message.raw.toString("base64url") } : {}),
    },
  };
  return HttpResponse.json(answer);
}

async function deleteDraft({ mailbox, params }: RouteContext): Promise<Response> {
  const id = params.id ?? "";
  const messageId = drafts(mailbox).get(id);
  if (messageId === undefined) return notFound();
  drafts(mailbox).delete(id);
  mailbox.messages.delete(messageId);
  return new Response(null, { status: 204 });
}

async function sendDraft({ state, mailbox, request }: RouteContext): Promise<Response> {
  const resource = JSON.parse((await request.body()).toString("utf8") || "{}") as gmail_v1.Schema$Draft;
  const id = resource.id ?? "";
  const message = mailbox.messages.get(drafts(mailbox).get(id) ?? "");
  if (message === undefined) return notFound();
  const sent = await deliver(state, mailbox, message.raw, message.threadId);
  if (sent.ok) {
    drafts(mailbox).delete(id);
    mailbox.messages.delete(message.id);
  }
  return sent;
}

async function fileDraft(
  { state, mailbox }: RouteContext,
  id: string,
  upload: { raw: Buffer; threadId: string | null },
): Promise<Response> {
  // A reply draft joins the thread it names only when the mailbox has it, as messages.send does.
  const known = upload.threadId !== null && [...mailbox.messages.values()].some((m) => m.threadId === upload.threadId);
  const message = await state.mailboxes.insert(mailbox.address, upload.raw, {
    labelIds: ["DRAFT"],
    ...(known ? { threadId: upload.threadId as string } : {}),
  });
  drafts(mailbox).set(id, message.id);
  const answer: gmail_v1.Schema$Draft = {
    id,
    message: { id: message.id, threadId: message.threadId, labelIds: [...message.labelIds] },
  };
  return HttpResponse.json(answer);
}

/** The message of a drafts upload (uploadType media or multipart) and the thread its Draft resource names. */
async function draftUpload({ request }: RouteContext): Promise<{ raw: Buffer; threadId: string | null } | Response> {
  const body = await request.body();
  const uploadType = request.url.searchParams.get("uploadType");
  const contentType = request.headers.get("content-type") ?? "";
  if (body.length > UPLOAD_MAX_BYTES * 1.01)
    return googleError(
      413,
      "INVALID_ARGUMENT",
      "uploadTooLarge",
      `Request payload size exceeds the limit: ${UPLOAD_MAX_BYTES} bytes.`,
    );
  if (uploadType === "media")
    return isMessageType(contentType) ? { raw: body, threadId: null } : wrongMediaType(contentType);
  if (uploadType !== "multipart")
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "uploadType must be media, multipart or resumable; the fake serves media and multipart.",
    );
  const boundary = /^multipart\/related;.*boundary="?([^";]+)"?/iu.exec(contentType)?.[1];
  const [metadata, content] = boundary === undefined ? [] : splitMultipart(body, boundary);
  if (metadata === undefined || content === undefined)
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      "A multipart upload is multipart/related of a JSON part, then the media part.",
    );
  if (!isMessageType(content.headers.get("content-type") ?? ""))
    return wrongMediaType(content.headers.get("content-type") ?? "");
  const resource = JSON.parse(metadata.body.toString("utf8") || "{}") as gmail_v1.Schema$Draft;
  return { raw: content.body, threadId: resource.message?.threadId ?? null };
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

function notFound(): Response {
  return googleError(404, "NOT_FOUND", "notFound", "Requested entity was not found.");
}

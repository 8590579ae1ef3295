// How a composed message reaches Graph: always as a draft that is then sent, because Graph's
// sendMail answers 202 without an id, while a draft created with immutable ids keeps its id when
// Exchange files it in Sent Items (documented for Prefer: IdType="ImmutableId"), so the send can
// name the message it sent for one request more. Up to Graph's 4 MB request limit the draft is the
// whole MIME source (base64, text/plain), Bcc included (Exchange strips it for recipients); above it
// the MIME without attachments, then each attachment added to the draft: a POST of it as JSON when
// that request fits and the file is under 3 MB, else an upload session of byte ranges
// (https://learn.microsoft.com/graph/outlook-large-attachments). A draft that cannot be completed or
// that Graph refuses to send is deleted, so no orphan stays in Drafts. Graph may need a moment
// before the Sent Items copy reads.
import { randomUUID } from "node:crypto";
import type { Message } from "@microsoft/microsoft-graph-types";
import type { Address } from "@mcpemails/generated";
import type { ComposeAttachment } from "../../mail/compose.js";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import { GraphRequestError, type GraphClient } from "./graph-client.js";

/**
 * Graph's limit on one request (a draft, an attachment POST), "4 MB"
 * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/85): read as 4,000,000 bytes, the
 * smaller of the two readings, so that it holds whichever Graph means.
 */
export const GRAPH_REQUEST_LIMIT_BYTES = 4_000_000;
/**
 * Files of at least 3 MB go through an upload session, as Graph requires ("under 3 MB" for a POST,
 * https://learn.microsoft.com/graph/api/message-post-attachments); smaller ones too when their JSON
 * (base64 and the name) would pass the request limit.
 */
export const UPLOAD_SESSION_THRESHOLD_BYTES = 3_000_000;
/** Byte ranges of an upload session: "up to 4 MB each time"; a multiple of 320 KiB, as OneDrive wants, does no harm. */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;
/** Deleting a failed draft is bounded by its own deadline: the caller's signal may be what failed the send. */
const CLEANUP_TIMEOUT_MS = 10_000;

export interface SendOutcome {
  /** The sent message's immutable id: the draft's, which the Sent Items copy keeps. */
  messageId: string | null;
  conversationId: string | null;
  rfc822MessageId: string;
}

/** A failure before the message was handed over for sending: nothing was sent. */
export class NothingSent extends Error {
  constructor(override readonly cause: GraphRequestError) {
    super(cause.message);
  }
}

export async function sendThroughGraph(
  graph: GraphClient,
  outgoing: OutgoingMessage,
  from: Address,
  now: Date,
  signal: AbortSignal,
): Promise<SendOutcome> {
  const domain = from.address.split("@")[1] ?? "outlook.invalid";
  const sender = { from, messageId: `<${randomUUID()}@${domain}>`, date: now };
  const composed = await composeOutgoing(outgoing, sender);
  const mime = Buffer.from(composed.rawWithBcc, "utf8").toString("base64");
  const whole = mime.length <= GRAPH_REQUEST_LIMIT_BYTES;
  const draft = await beforeSending(async () =>
    graph.json<Message>({
      method: "POST",
      path: "/me/messages",
      body: whole ? mime : await bareMime(outgoing, sender),
      contentType: "text/plain",
      signal,
    }),
  );
  const draftId = draft.id ?? "";
  let sending = false;
  try {
    if (!whole)
      await beforeSending(async () => {
        for (const attachment of outgoing.attachments) await attach(graph, draftId, attachment, signal);
      });
    sending = true;
    await graph.send({ method: "POST", path: `/me/messages/${encodeURIComponent(draftId)}/send`, signal });
  } catch (error) {
    // Once the send was asked for, only a refusal Graph gave before doing anything leaves the draft
    // to delete: a send that may have been carried out took the draft (its id is the sent message's).
    if (!sending || (error instanceof GraphRequestError && !error.outcomeUnknown)) await deleteDraft(graph, draftId);
    throw error;
  }
  return {
    messageId: draft.id ?? null,
    conversationId: draft.conversationId ?? null,
    rfc822MessageId: composed.messageId,
  };
}

/** The MIME source without its attachments, base64, for a draft whose attachments follow one by one. */
async function bareMime(outgoing: OutgoingMessage, sender: Parameters<typeof composeOutgoing>[1]): Promise<string> {
  const bare = await composeOutgoing({ ...outgoing, attachments: [] }, sender);
  return Buffer.from(bare.rawWithBcc, "utf8").toString("base64");
}

/** Best effort: a draft that could not be deleted stays (the failure already says nothing was sent). */
async function deleteDraft(graph: GraphClient, draftId: string): Promise<void> {
  if (draftId === "") return;
  try {
    const response = await graph.send({
      method: "DELETE",
      path: `/me/messages/${encodeURIComponent(draftId)}`,
      signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS),
    });
    await response.arrayBuffer();
  } catch {
    // Nothing more to do: the send's own failure is what the caller hears about.
  }
}

async function beforeSending<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof GraphRequestError ? new NothingSent(error) : error;
  }
}

async function attach(
  graph: GraphClient,
  draftId: string,
  attachment: ComposeAttachment,
  signal: AbortSignal,
): Promise<void> {
  const content = Buffer.isBuffer(attachment.content)
    ? attachment.content
    : Buffer.from(attachment.content.base64, "base64");
  const path = `/me/messages/${encodeURIComponent(draftId)}/attachments`;
  if (content.length < UPLOAD_SESSION_THRESHOLD_BYTES) {
    const body = JSON.stringify({
      "@odata.type": "#microsoft.graph.fileAttachment",
      name: attachment.filename,
      contentType: attachment.contentType,
      contentBytes: content.toString("base64"),
    });
    if (Buffer.byteLength(body, "utf8") <= GRAPH_REQUEST_LIMIT_BYTES) {
      await graph.json({ method: "POST", path, body, contentType: "application/json", signal });
      return;
    }
  }
  const session = await graph.json<{ uploadUrl: string }>({
    method: "POST",
    path: `${path}/createUploadSession`,
    body: JSON.stringify({
      AttachmentItem: {
        attachmentType: "file",
        name: attachment.filename,
        size: content.length,
        contentType: attachment.contentType,
      },
    }),
    contentType: "application/json",
    signal,
  });
  for (let start = 0; start < content.length; start += UPLOAD_CHUNK_BYTES) {
    const chunk = content.subarray(start, Math.min(start + UPLOAD_CHUNK_BYTES, content.length));
    const response = await graph.send({
      method: "PUT",
      path: session.uploadUrl,
      body: chunk,
      contentType: "application/octet-stream",
      headers: { "content-range": `bytes ${start}-${start + chunk.length - 1}/${content.length}` },
      authenticated: false,
      signal,
    });
    await response.arrayBuffer();
  }
}

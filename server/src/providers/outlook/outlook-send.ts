// How a composed message reaches Graph: always as a draft that is then sent, because Graph's
// sendMail answers 202 without an id, while a draft created with immutable ids keeps its id when
// Exchange files it in Sent Items (documented for Prefer: IdType="ImmutableId"), so the send can
// name the message it sent for one request more. Up to Graph's 4 MB request limit the draft is the
// whole MIME source (base64, text/plain), Bcc included (Exchange strips it for recipients); above it
// the MIME without attachments, then each attachment added to the draft (a POST under 3 MB, an
// upload session of byte ranges above). Graph may need a moment before the Sent Items copy reads.
import { randomUUID } from "node:crypto";
import type { Message } from "@microsoft/microsoft-graph-types";
import type { Address } from "@mcpemails/generated";
import type { ComposeAttachment } from "../../mail/compose.js";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import { GraphRequestError, type GraphClient } from "./graph-client.js";

/** Graph's limit on one request (sendMail, a draft, an attachment POST). */
export const GRAPH_REQUEST_LIMIT_BYTES = 4 * 1024 * 1024;
/** Attachments at least this large go through an upload session, as Graph requires. */
export const UPLOAD_SESSION_THRESHOLD_BYTES = 3 * 1024 * 1024;
/** Byte ranges of an upload session: a multiple of 320 KiB, under 4 MB. */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;

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
  const draft = await beforeSending(async () => {
    if (mime.length <= GRAPH_REQUEST_LIMIT_BYTES)
      return graph.json<Message>({
        method: "POST",
        path: "/me/messages",
        body: mime,
        contentType: "text/plain",
        signal,
      });
    const bare = await composeOutgoing({ ...outgoing, attachments: [] }, sender);
    const created = await graph.json<Message>({
      method: "POST",
      path: "/me/messages",
      body: Buffer.from(bare.rawWithBcc, "utf8").toString("base64"),
      contentType: "text/plain",
      signal,
    });
    for (const attachment of outgoing.attachments) await attach(graph, created.id ?? "", attachment, signal);
    return created;
  });
  await graph.send({ method: "POST", path: `/me/messages/${encodeURIComponent(draft.id ?? "")}/send`, signal });
  return {
    messageId: draft.id ?? null,
    conversationId: draft.conversationId ?? null,
    rfc822MessageId: composed.messageId,
  };
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
    await graph.json({ method: "POST", path, body, contentType: "application/json", signal });
    return;
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

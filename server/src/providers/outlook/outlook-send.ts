// How a composed message reaches Graph: always as a draft that is then sent, because Graph's
// sendMail answers 202 without an id, while a draft created with immutable ids keeps its id when
// Exchange files it in Sent Items (documented for Prefer: IdType="ImmutableId"), so the send can
// name the message it sent for one request more. Up to Graph's 4 MB request limit the draft is the
// whole MIME source (base64, text/plain), Bcc included (Exchange strips it for recipients); above it
// the MIME without attachments, then each attachment added to the draft: a POST of it as JSON when
// that request fits and the file is under 3 MB, else an upload session of byte ranges
// (https://learn.microsoft.com/graph/outlook-large-attachments). A draft that cannot be completed or
// that Graph refuses to send is deleted, so no orphan stays in Drafts. Exchange files the Sent Items
// copy some time after the send's 202 (until then its id answers 404): the send waits for it a
// bounded while, so that the id it returns reads at once, and returns no id when it did not appear.
// Exchange may give the message a Message-ID of its own as it sends it: the copy's internetMessageId
// is the one recipients see, so it is the one returned when it differs from ours. The message is
// handed over (call.handingOver()) as the send request leaves, not before: until then nothing was sent.
import { setTimeout as delay } from "node:timers/promises";
import type { Message } from "@microsoft/microsoft-graph-types";
import type { Address } from "@mcpemails/generated";
import type { ComposeAttachment } from "../../mail/compose.js";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import type { ToolCall } from "../core/provider-tools.js";
import { newMessageId } from "../core/message-id.js";
import { ProviderFailure } from "../core/provider-failure.js";
import type { GraphClient } from "./graph-client.js";
import { GraphRequestError } from "./graph-request-error.js";

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
/**
 * How long a send waits for Exchange to file its Sent Items copy: "Getting the message in Sent Items
 * may not succeed immediately after sending the message. The copy of the message is not created until
 * the message successfully sends, which may take time."
 * (https://learn.microsoft.com/graph/outlook-immutable-id#immutable-id-with-sending-mail)
 */
export const SENT_COPY_WAIT_MS = 5_000;
/** Waits between looks for the Sent Items copy (Microsoft gives no figure): soon first, then each second. */
const SENT_COPY_POLLS_MS = [100, 150, 250, 500, 1_000];
/** Deleting a failed draft is bounded by its own deadline: the caller's signal may be what failed the send. */
const CLEANUP_TIMEOUT_MS = 10_000;

export interface SendOutcome {
  /**
   * The sent message's immutable id (the draft's, which the Sent Items copy keeps) once the copy was
   * seen in Sent Items; null when it was not there within the wait (read_email could not read it yet,
   * and Exchange may file it elsewhere or not at all).
   */
  messageId: string | null;
  /** The conversation: of the Sent Items copy, else the draft's (Exchange gives it when the draft is created). */
  conversationId: string | null;
  /** The Sent Items copy's internetMessageId when it is one, else the Message-ID the MIME was given. */
  rfc822MessageId: string;
}

export async function sendThroughGraph(
  graph: GraphClient,
  outgoing: OutgoingMessage,
  from: Address,
  now: Date,
  call: ToolCall,
  sentCopyWaitMs = SENT_COPY_WAIT_MS,
): Promise<SendOutcome> {
  const { draft, messageId } = await createGraphDraft(graph, outgoing, from, now, call.signal);
  return sendGraphDraft(graph, draft, messageId, call, { deleteOnRefusal: true, sentCopyWaitMs });
}

/**
 * A draft in Drafts holding the composed message (the MIME whole, or without its attachments, which
 * then follow one by one); a draft whose attachments could not all be added is deleted.
 */
export async function createGraphDraft(
  graph: GraphClient,
  outgoing: OutgoingMessage,
  from: Address,
  now: Date,
  signal: AbortSignal,
): Promise<{ draft: Message; messageId: string }> {
  const sender = { from, messageId: newMessageId(from.address, "outlook.invalid"), date: now };
  const composed = await composeOutgoing(outgoing, sender);
  const mime = Buffer.from(composed.rawWithBcc, "utf8").toString("base64");
  const whole = mime.length <= GRAPH_REQUEST_LIMIT_BYTES;
  const draft = await graph.json<Message>({
    method: "POST",
    path: "/me/messages",
    body: whole ? mime : await bareMime(outgoing, sender),
    contentType: "text/plain",
    signal,
  });
  if (!whole) {
    try {
      for (const attachment of outgoing.attachments) await attach(graph, draft.id ?? "", attachment, signal);
    } catch (error) {
      await deleteGraphDraft(graph, draft.id ?? "");
      throw error;
    }
  }
  return { draft, messageId: composed.messageId };
}

/**
 * Sends a draft and waits (bounded) for its Sent Items copy. With deleteOnRefusal, a draft Graph
 * refused to send is deleted (a send's own draft); a draft the agent wrote stays for it to fix.
 */
export async function sendGraphDraft(
  graph: GraphClient,
  draft: Pick<Message, "id" | "conversationId">,
  messageId: string,
  call: ToolCall,
  options: { deleteOnRefusal: boolean; sentCopyWaitMs?: number },
): Promise<SendOutcome> {
  const { signal } = call;
  const draftId = draft.id ?? "";
  let sending = false;
  try {
    await graph.send({
      method: "POST",
      path: `/me/messages/${encodeURIComponent(draftId)}/send`,
      signal,
      handingOver: () => {
        sending = true;
        call.handingOver();
      },
    });
  } catch (error) {
    // Once the send was asked for, only a refusal Graph gave before doing anything leaves the draft
    // to delete: a send that may have been carried out took the draft (its id is the sent message's).
    if (options.deleteOnRefusal && (!sending || (error instanceof ProviderFailure && error.refusedBeforeActing)))
      await deleteGraphDraft(graph, draftId);
    throw error;
  }
  const copy = await sentCopy(graph, draftId, options.sentCopyWaitMs ?? SENT_COPY_WAIT_MS, signal);
  return {
    messageId: copy?.id ?? null,
    conversationId: copy?.conversationId ?? draft.conversationId ?? null,
    rfc822MessageId: messageIdOf(copy) ?? messageId,
  };
}

/** The copy's internetMessageId when it has the shape of a Message-ID (<left@right>, one line); else undefined. */
function messageIdOf(copy: Message | undefined): string | undefined {
  const id = copy?.internetMessageId;
  return typeof id === "string" && id.length <= 998 && /^<[^<>\s@]+@[^<>\s@]+>$/u.test(id) ? id : undefined;
}

/**
 * The Sent Items copy of a sent draft, looked for by the draft's immutable id (which the copy keeps)
 * for about waitMs (the waits between looks add up to it): it counts once Graph reads it as no longer a draft. Never fails: the message is
 * sent whatever this finds; an answer other than 404, or the caller going away, ends the wait.
 */
async function sentCopy(
  graph: GraphClient,
  draftId: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<Message | undefined> {
  if (draftId === "") return undefined;
  let waited = 0;
  for (let poll = 0; waited < waitMs; poll++) {
    const pause = Math.min(SENT_COPY_POLLS_MS[poll] ?? 1_000, waitMs - waited);
    waited += pause;
    try {
      await delay(pause, undefined, { signal });
      const message = await graph.json<Message>({
        method: "GET",
        path: `/me/messages/${encodeURIComponent(draftId)}`,
        query: { $select: "id,conversationId,isDraft,internetMessageId" },
        signal,
      });
      if (message.isDraft !== true) return message;
    } catch (error) {
      if (!(error instanceof GraphRequestError && error.status === 404)) return undefined;
    }
  }
  return undefined;
}

/** The MIME source without its attachments, base64, for a draft whose attachments follow one by one. */
async function bareMime(outgoing: OutgoingMessage, sender: Parameters<typeof composeOutgoing>[1]): Promise<string> {
  const bare = await composeOutgoing({ ...outgoing, attachments: [] }, sender);
  return Buffer.from(bare.rawWithBcc, "utf8").toString("base64");
}

/** Best effort: a draft that could not be deleted stays (the failure already says nothing was sent). */
async function deleteGraphDraft(graph: GraphClient, draftId: string): Promise<void> {
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

// A send through Gmail, shared by send_email and reply_to_email: composed as MIME with the Bcc
// header (Gmail needs it to deliver to Bcc recipients; it keeps it in SENT and strips it from what
// it delivers), posted raw to messages.send's upload endpoint, which files it in SENT itself.
// The access token is fetched before the hand-over, so that a token endpoint out of reach reads as
// "nothing was sent" rather than as a send whose outcome is unknown.
import type { gmail_v1 } from "@googleapis/gmail";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import { newMessageId } from "../core/message-id.js";
import type { ToolCall } from "../core/provider-tools.js";
import type { SentMessage } from "../provider.js";
import type { GmailContext } from "./gmail-context.js";

export async function sendThroughGmail(
  context: GmailContext,
  outgoing: OutgoingMessage,
  threadId: string | null,
  call: ToolCall,
): Promise<SentMessage> {
  const { calls } = context;
  const composed = await composeOutgoing(outgoing, {
    from: { name: null, address: context.address },
    messageId: newMessageId(context.address, "gmail.com"),
    date: context.now(),
  });
  await calls.call(() => calls.oauth.getAccessToken(), call.signal, true);
  call.signal.throwIfAborted();
  call.handingOver();
  // Always the upload endpoint: Google documents no limit for a JSON `raw` body, and users meet
  // "Request payload size exceeds the limit" there with messages of 1 MB. The client sends the
  // message alone (uploadType=media), or after the resource holding a reply's threadId (multipart).
  const sent: gmail_v1.Schema$Message = (
    await calls.call(
      (options) =>
        calls.api.users.messages.send(
          {
            userId: "me",
            ...(threadId === null ? {} : { requestBody: { threadId } }),
            media: { mimeType: "message/rfc822", body: composed.rawWithBcc },
          },
          options,
        ),
      call.signal,
      false,
    )
  ).data;
  return {
    message_id: sent.id ?? null,
    thread_id: sent.threadId ?? threadId,
    rfc822_message_id: await storedMessageId(context, sent.id, composed.messageId, call.signal),
  };
}

/**
 * The Message-ID Gmail stored with the sent message (it may set its own), read back in one call;
 * the one we gave when that read fails, since the message is sent either way.
 */
async function storedMessageId(
  context: GmailContext,
  id: string | null | undefined,
  given: string,
  signal: AbortSignal,
): Promise<string> {
  if (typeof id !== "string") return given;
  const { calls } = context;
  try {
    const message = (
      await calls.call(
        (options) =>
          calls.api.users.messages.get(
            { userId: "me", id, format: "metadata", metadataHeaders: ["Message-ID"] },
            options,
          ),
        signal,
        true,
      )
    ).data;
    const header = message.payload?.headers?.find((entry) => entry.name?.toLowerCase() === "message-id")?.value;
    return header?.trim() ? header.trim() : given;
  } catch {
    return given;
  }
}

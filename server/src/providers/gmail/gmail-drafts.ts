// Gmail drafts (users.drafts): saved and replaced through the upload endpoint with the message as
// media (its JSON part names a reply draft's thread), read back as raw source, deleted and sent by
// id. A draft id holds letters, digits, "-" and "_" only: anything else names no draft and costs no
// request.
import type { gmail_v1 } from "@googleapis/gmail";
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import type { ComposedMessage } from "../../mail/compose.js";
import { newMessageId } from "../core/message-id.js";
import { ProviderFailure } from "../core/provider-failure.js";
import type { GmailContext } from "./gmail-context.js";

export function composeDraft(context: GmailContext, content: OutgoingMessage): Promise<ComposedMessage> {
  return composeOutgoing(content, {
    from: { name: null, address: context.address },
    messageId: newMessageId(context.address, "gmail.com"),
    date: context.now(),
  });
}

/** Saves a new draft, or replaces draft `id`; never repeated after a lost answer (it would save twice). */
export async function saveDraft(
  context: GmailContext,
  raw: string,
  threadId: string | null,
  signal: AbortSignal,
  id?: string,
): Promise<gmail_v1.Schema$Draft> {
  const { calls } = context;
  const request = {
    userId: "me",
    requestBody: { message: threadId === null ? {} : { threadId } },
    media: { mimeType: "message/rfc822", body: raw },
  };
  return (
    await calls.call(
      (options) =>
        id === undefined
          ? calls.api.users.drafts.create(request, options)
          : calls.api.users.drafts.update({ ...request, id: checkedDraftId(id) }, options),
      signal,
      false,
    )
  ).data;
}

/** The draft's source and thread. */
export async function draftSource(
  context: GmailContext,
  id: string,
  signal: AbortSignal,
): Promise<{ raw: Buffer; threadId: string | null }> {
  const { calls } = context;
  const draft = (
    await calls.call(
      (options) => calls.api.users.drafts.get({ userId: "me", id: checkedDraftId(id), format: "raw" }, options),
      signal,
      true,
    )
  ).data;
  return { raw: Buffer.from(draft.message?.raw ?? "", "base64url"), threadId: draft.message?.threadId ?? null };
}

export function checkedDraftId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,256}$/u.test(id)) throw new ProviderFailure("not_found", "Gmail has no such draft");
  return id;
}

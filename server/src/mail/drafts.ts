// Drafts, the same on every provider: create_draft's and update_draft's arguments as a message
// (recipients checked, attachments measured, a reply draft addressed and threaded as
// reply_to_email would), a stored draft's source back into that message so that an update keeps
// what it is not given and send_draft sends what the owner sees, and the draft tools' answer.
import {
  draftNotSendable,
  invalidRecipient,
  type CreateDraftArgs,
  type Draft,
  type ExecutionErrorResult,
  type UpdateDraftArgs,
} from "@mcpemails/generated";
import { isValidAddrSpec, parseRecipientFields, uniqueAddresses } from "./addresses.js";
import { checkAttachmentSize } from "./attachments.js";
import { attachmentsFromInput, type ComposeAttachment } from "./compose.js";
import type { OutgoingMessage, OutgoingRefusal } from "./outgoing.js";
import { addresses, simpleParse, type ParsedMessage } from "./parse.js";
import { normalizeMessageId, replyRecipients, replyReferences, replySubject } from "./threading.js";

/** create_draft's arguments as a message; with an original, a reply draft to it. */
export function prepareDraft(
  args: CreateDraftArgs,
  original: ParsedMessage | undefined,
  ownAddresses: readonly string[],
): OutgoingMessage | OutgoingRefusal {
  const given = parseRecipientFields({ to: args.to, cc: args.cc, bcc: args.bcc });
  if (!given.ok) return invalidRecipient({ parameter: given.invalid.parameter, address: given.invalid.address });
  const tooLarge = checkAttachmentSize(args.attachments);
  if (tooLarge) return tooLarge;
  const body = {
    text: args.body,
    html: args.html_body,
    attachments: attachmentsFromInput(args.attachments),
    bcc: given.recipients.bcc,
    replyTo: null,
  };
  if (original === undefined)
    return {
      ...body,
      to: given.recipients.to,
      cc: given.recipients.cc,
      subject: args.subject ?? "",
      inReplyTo: null,
      references: [],
    };
  const reply = replyRecipients(
    { from: original.from, replyTo: original.reply_to, to: original.to, cc: original.cc },
    ownAddresses,
    args.reply_all,
  );
  return {
    ...body,
    to: uniqueAddresses([...reply.to, ...given.recipients.to]),
    cc: uniqueAddresses([...reply.cc, ...given.recipients.cc]),
    subject: args.subject ?? replySubject(original.subject),
    inReplyTo: original.rfc822_message_id,
    references: replyReferences({ references: original.references, messageId: original.rfc822_message_id }),
  };
}

/** The draft with the fields update_draft was given replaced; threading is kept. */
export function mergeDraft(current: OutgoingMessage, args: UpdateDraftArgs): OutgoingMessage | OutgoingRefusal {
  const given = parseRecipientFields({ to: args.to, cc: args.cc, bcc: args.bcc });
  if (!given.ok) return invalidRecipient({ parameter: given.invalid.parameter, address: given.invalid.address });
  if (args.attachments !== undefined) {
    const tooLarge = checkAttachmentSize(args.attachments);
    if (tooLarge) return tooLarge;
  }
  return {
    ...current,
    ...(args.to === undefined ? {} : { to: given.recipients.to }),
    ...(args.cc === undefined ? {} : { cc: given.recipients.cc }),
    ...(args.bcc === undefined ? {} : { bcc: given.recipients.bcc }),
    ...(args.subject === undefined ? {} : { subject: args.subject }),
    ...(args.body === undefined ? {} : { text: args.body }),
    ...(args.html_body === undefined ? {} : { html: args.html_body }),
    ...(args.attachments === undefined ? {} : { attachments: attachmentsFromInput(args.attachments) }),
  };
}

/** A stored draft's source as the message it holds, attachments with their bytes. */
export async function draftContent(raw: string | Buffer): Promise<OutgoingMessage> {
  const parsed = await simpleParse(raw);
  const html = typeof parsed.html === "string" ? parsed.html : undefined;
  const attachments: ComposeAttachment[] = parsed.attachments.map((part, index) => ({
    filename: part.filename ?? `attachment-${index + 1}`,
    contentType: part.contentType,
    content: part.content,
    ...(part.cid !== undefined && html?.includes(`cid:${part.cid}`) ? { contentId: part.cid } : {}),
  }));
  const references = [parsed.references ?? []].flat().map(normalizeMessageId);
  const inReplyTo = parsed.inReplyTo === undefined ? null : normalizeMessageId(parsed.inReplyTo.split(/\s+/u)[0]!);
  return {
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    bcc: addresses(parsed.bcc),
    replyTo: addresses(parsed.replyTo)[0] ?? null,
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html,
    attachments,
    inReplyTo,
    references: references.filter((id): id is string => id !== null),
  };
}

/** draft_not_sendable when the draft has no recipient, or one that is no address (an owner may have typed it). */
export function unsendable(
  draftId: string,
  content: Pick<OutgoingMessage, "to" | "cc" | "bcc">,
): ExecutionErrorResult<"draft_not_sendable"> | undefined {
  const all = [...content.to, ...content.cc, ...content.bcc];
  if (all.length === 0) return draftNotSendable({ draft_id: draftId, reason: "it has no recipient" });
  const bad = all.find((entry) => !isValidAddrSpec(entry.address));
  if (bad !== undefined)
    return draftNotSendable({ draft_id: draftId, reason: `${JSON.stringify(bad.address)} is not an email address` });
  return undefined;
}

/** What the draft tools answer about a draft. */
export function draftOutput(
  ids: { draftId: string; messageId: string | null; threadId: string | null },
  content: OutgoingMessage,
  rfc822MessageId: string,
): Draft {
  return {
    draft_id: ids.draftId,
    message_id: ids.messageId,
    thread_id: ids.threadId,
    rfc822_message_id: rfc822MessageId,
    subject: content.subject,
    to: content.to,
    cc: content.cc,
    bcc: content.bcc,
    in_reply_to: content.inReplyTo,
    attachment_count: content.attachments.length,
  };
}

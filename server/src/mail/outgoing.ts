// What every provider does before it hands a send or a reply to its transport: recipients checked
// (invalid_recipient), attachments measured (attachment_too_large), and for a reply the recipients,
// subject and threading headers derived from the original. Written once so that the sandbox, IMAP,
// Gmail and Outlook refuse and address messages identically; each then composes and sends its way.
import {
  invalidRecipient,
  type Address,
  type ExecutionErrorResult,
  type ReplyToEmailArgs,
  type SendEmailArgs,
} from "@mcpemails/generated";
import { isValidAddrSpec, parseRecipientFields } from "./addresses.js";
import { checkAttachmentSize } from "./attachments.js";
import { attachmentsFromInput, composeMessage, type ComposeAttachment, type ComposedMessage } from "./compose.js";
import type { ParsedMessage } from "./parse.js";
import { replyRecipients, replyReferences, replySubject } from "./threading.js";

/** A message ready to compose: everything but the sender, the Message-ID and the date. */
export interface OutgoingMessage {
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address | null;
  subject: string;
  text: string;
  html: string | undefined;
  attachments: ComposeAttachment[];
  inReplyTo: string | null;
  references: string[];
}

export type OutgoingRefusal = ExecutionErrorResult<"invalid_recipient" | "attachment_too_large">;

/** send_email's arguments as an outgoing message, or the error that refuses them before anything is sent. */
export function prepareSend(args: SendEmailArgs): OutgoingMessage | OutgoingRefusal {
  const recipients = parseRecipientFields({ to: args.to, cc: args.cc, bcc: args.bcc, reply_to: args.reply_to });
  if (!recipients.ok)
    return invalidRecipient({ parameter: recipients.invalid.parameter, address: recipients.invalid.address });
  const tooLarge = checkAttachmentSize(args.attachments);
  if (tooLarge) return tooLarge;
  return {
    ...recipients.recipients,
    subject: args.subject,
    text: args.body,
    html: args.html_body,
    attachments: attachmentsFromInput(args.attachments),
    inReplyTo: null,
    references: [],
  };
}

/**
 * A reply to the parsed original: To its Reply-To or From, with reply_all Cc its To and Cc minus the
 * inbox's own addresses, never its Bcc; one "Re: "; In-Reply-To and References for the thread.
 */
export function prepareReply(
  original: ParsedMessage,
  args: ReplyToEmailArgs,
  ownAddresses: readonly string[],
): OutgoingMessage | OutgoingRefusal {
  const recipients = replyRecipients(
    { from: original.from, replyTo: original.reply_to, to: original.to, cc: original.cc },
    ownAddresses,
    args.reply_all,
  );
  const unusable = replyAddressProblem(recipients.to, [...recipients.to, ...recipients.cc], original.from);
  if (unusable) return unusable;
  const tooLarge = checkAttachmentSize(args.attachments);
  if (tooLarge) return tooLarge;
  return {
    ...recipients,
    bcc: [],
    replyTo: null,
    subject: replySubject(original.subject),
    text: args.body,
    html: args.html_body,
    attachments: attachmentsFromInput(args.attachments),
    inReplyTo: original.rfc822_message_id,
    references: replyReferences({ references: original.references, messageId: original.rfc822_message_id }),
  };
}

/** True when prepareSend or prepareReply refused the message. */
export function isRefusal<R extends ExecutionErrorResult = OutgoingRefusal>(
  prepared: OutgoingMessage | R,
): prepared is R {
  return "isError" in prepared;
}

/** The outgoing message as RFC 5322 source from this sender, through nodemailer's composer. */
export function composeOutgoing(
  outgoing: OutgoingMessage,
  sender: { from: Address; messageId: string; date: Date },
): Promise<ComposedMessage> {
  return composeMessage({ ...outgoing, ...sender });
}

/** Every address a message goes to (the SMTP envelope): To, Cc and Bcc. */
export function envelopeRecipients(outgoing: Pick<OutgoingMessage, "to" | "cc" | "bcc">): string[] {
  return [...outgoing.to, ...outgoing.cc, ...outgoing.bcc].map((entry) => entry.address);
}

/**
 * A reply's recipients come from the original message, not from the arguments, so a bad one is
 * reported against message_id: no recipient at all (no From, no Reply-To), or an address that
 * is not one (which a real provider would refuse too).
 */
function replyAddressProblem(
  to: readonly Address[],
  all: readonly Address[],
  from: Address | null,
): ExecutionErrorResult<"invalid_recipient"> | undefined {
  if (to.length === 0) return invalidRecipient({ parameter: "message_id", address: from?.address ?? "" });
  const bad = all.find((entry) => !isValidAddrSpec(entry.address));
  return bad === undefined ? undefined : invalidRecipient({ parameter: "message_id", address: bad.address });
}

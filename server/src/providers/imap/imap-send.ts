// A send over the inbox's SMTP server, shared by send_email and reply_to_email: composed with a new
// Message-ID of the sending address's domain, handed to SMTP (imap-smtp.ts tries the envelope first,
// so a refused recipient stops it before any copy leaves), then filed in Sent. Once the SMTP server
// accepted the message nothing turns the send into an error: a caller would send again.
import { invalidRecipient, type ExecutionErrorResult } from "@mcpemails/generated";
import { composeOutgoing, envelopeRecipients, type OutgoingMessage } from "../../mail/outgoing.js";
import { newMessageId } from "../core/message-id.js";
import { ProviderFailure } from "../core/provider-failure.js";
import type { ToolCall } from "../core/provider-tools.js";
import type { SentMessage } from "../provider.js";
import type { ImapContext } from "./imap-context.js";
import { withCrlfLineEnds } from "./imap-crlf.js";
import { threadIdOf } from "./imap-message-id.js";
import { fileSentCopy } from "./imap-sent-copy.js";

export async function sendOutgoing(
  context: ImapContext,
  outgoing: OutgoingMessage,
  /** The parameter of the arguments that named a refused recipient. */
  parameterOf: (address: string) => string,
  call: ToolCall,
): Promise<SentMessage | ExecutionErrorResult<"invalid_recipient">> {
  const { settings, inbox } = context;
  const composed = await composeOutgoing(outgoing, {
    from: { name: null, address: settings.address },
    messageId: newMessageId(settings.address, "mcpemails.invalid"),
    date: context.now(),
  });
  // Once the SMTP transaction starts it is not abandoned: the agent gone or not, the outcome is recorded.
  call.signal.throwIfAborted();
  const sent = await context.smtp.send(withCrlfLineEnds(composed.raw), envelopeRecipients(outgoing), () =>
    call.handingOver(),
  );
  if (!sent.ok) {
    if (sent.kind === "recipient") {
      const refused = sent.rejected[0] ?? "";
      return invalidRecipient({ parameter: parameterOf(refused), address: refused });
    }
    if (sent.kind === "auth")
      throw new ProviderFailure("auth", `the SMTP server of inbox ${inbox.id} refused the login: ${sent.words}`);
    // Refused before DATA, nothing left; a failure during DATA may have delivered it.
    throw new ProviderFailure(
      sent.handedOver ? "unavailable" : "refused",
      `the SMTP server of inbox ${inbox.id} answered: ${sent.words}`,
    );
  }
  const threadId = threadIdOf({
    references: outgoing.references,
    inReplyTo: outgoing.inReplyTo,
    messageId: composed.messageId,
  });
  const copy = await fileSentCopy(context, withCrlfLineEnds(composed.rawWithBcc));
  if (!copy.filed) {
    context.onSentCopyNotFiled?.({ inboxId: inbox.id, reason: copy.reason });
    return {
      message_id: null,
      thread_id: threadId,
      rfc822_message_id: composed.messageId,
      sent_copy_problem: `The message was sent, but its copy could not be filed in SENT: ${copy.reason}.`,
    };
  }
  return { message_id: copy.messageId, thread_id: threadId, rfc822_message_id: composed.messageId };
}

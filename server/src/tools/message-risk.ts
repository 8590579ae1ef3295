// The risk object of every message a read tool answers (decision risk-signals): one function over
// the message as the tool answers it, after its provider, so that every provider's messages are
// judged alike. A listing shows no links and no Reply-To, so only read_email and get_thread judge them.
import type { EmailMessage, ExecutionErrorResult, MessageRisk, MessageSummary } from "@mcpemails/generated";
import { assessRisk } from "../mail/risk/assess-risk.js";

type Judged = MessageSummary | EmailMessage;

export function riskOf(message: Judged, ownAddresses: readonly string[]): MessageRisk {
  const full = "body_text" in message;
  return assessRisk({
    from: message.from,
    replyTo: full ? message.reply_to : [],
    subject: message.subject,
    text: full ? message.body_text : message.snippet,
    html: full ? (message.body_html ?? null) : null,
    ownAddresses,
    knownSender: null,
  });
}

const judged = <M extends Judged>(message: M, ownAddresses: readonly string[]): M => ({
  ...message,
  risk: riskOf(message, ownAddresses),
});

/** A listing or thread with each message judged; an execution error as it is. */
export function withRiskOnEach<R extends { messages: Judged[] } | ExecutionErrorResult>(
  output: R,
  ownAddresses: readonly string[],
): R {
  if ("isError" in output) return output;
  const listed = output as { messages: Judged[] };
  return { ...listed, messages: listed.messages.map((message) => judged(message, ownAddresses)) } as R;
}

/** A message read in full, judged; an execution error as it is. */
export function withRisk<R extends EmailMessage | ExecutionErrorResult>(output: R, ownAddresses: readonly string[]): R {
  if ("isError" in output) return output;
  return judged(output as EmailMessage, ownAddresses) as R;
}

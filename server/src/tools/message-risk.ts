// The risk object of every message a read tool answers (decision risk-signals): one function over
// the message as the tool answers it, after its provider, so that every provider's messages are
// judged alike. A listing shows no links and no Reply-To, so only read_email and get_thread judge
// them. Whether the sender is a known correspondent comes from the store (correspondents/).
import type { EmailMessage, ExecutionErrorResult, MessageRisk, MessageSummary } from "@mcpemails/generated";
import { assessRisk } from "../mail/risk/assess-risk.js";
import { isKnownSender, type SenderKnowledge } from "../correspondents/known-sender.js";

type Judged = MessageSummary | EmailMessage;

/**
 * The judgments of listed messages, by what they were judged on: agents list the same messages
 * again and again, and a listing's inputs are small (a body read in full is judged each time).
 */
const LISTED_KEPT_MAX = 10_000;
const listedKept = new Map<string, MessageRisk>();

/** knownSender: whether the sender is a known correspondent; null (no signal) when not known either way. */
export function riskOf(
  message: Judged,
  ownAddresses: readonly string[],
  knownSender: boolean | null = null,
): MessageRisk {
  if ("body_text" in message) return judge(message, ownAddresses, knownSender);
  const key = JSON.stringify([message.from, message.subject, message.snippet, ownAddresses, knownSender]);
  const kept = listedKept.get(key);
  if (kept !== undefined) return kept;
  const risk = judge(message, ownAddresses, knownSender);
  if (listedKept.size >= LISTED_KEPT_MAX) listedKept.clear();
  listedKept.set(key, risk);
  return risk;
}

function judge(message: Judged, ownAddresses: readonly string[], knownSender: boolean | null): MessageRisk {
  const full = "body_text" in message;
  return assessRisk({
    from: message.from,
    replyTo: full ? message.reply_to : [],
    subject: message.subject,
    text: full ? message.body_text : message.snippet,
    html: full ? (message.body_html ?? null) : null,
    ownAddresses,
    knownSender,
  });
}

const judged = <M extends Judged>(message: M, ownAddresses: readonly string[], knowledge: SenderKnowledge): M => ({
  ...message,
  risk: riskOf(message, ownAddresses, isKnownSender(message, knowledge)),
});

/** The messages of a listing or thread, for learning what they show before they are judged; none for an error. */
export function messagesOf(output: { messages: Judged[] } | EmailMessage | ExecutionErrorResult): Judged[] {
  if ("isError" in output) return [];
  return "messages" in output ? output.messages : [output];
}

/** A listing or thread with each message judged; an execution error as it is. */
export function withRiskOnEach<R extends { messages: Judged[] } | ExecutionErrorResult>(
  output: R,
  ownAddresses: readonly string[],
  knowledge: SenderKnowledge,
): R {
  if ("isError" in output) return output;
  const listed = output as { messages: Judged[] };
  return { ...listed, messages: listed.messages.map((message) => judged(message, ownAddresses, knowledge)) } as R;
}

/** A message read in full, judged; an execution error as it is. */
export function withRisk<R extends EmailMessage | ExecutionErrorResult>(
  output: R,
  ownAddresses: readonly string[],
  knowledge: SenderKnowledge,
): R {
  if ("isError" in output) return output;
  return judged(output as EmailMessage, ownAddresses, knowledge) as R;
}

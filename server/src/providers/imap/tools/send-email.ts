// A new message over the inbox's SMTP server (imap-send.ts); a refused recipient is named by its
// place in to, cc or bcc.
import type { SendEmailArgs } from "@mcpemails/generated";
import { addressKey } from "../../../mail/addresses.js";
import { isRefusal, prepareSend, type OutgoingMessage } from "../../../mail/outgoing.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { ImapContext } from "../imap-context.js";
import { sendOutgoing } from "../imap-send.js";

export async function sendEmail(context: ImapContext, args: SendEmailArgs, call: ToolCall) {
  const outgoing = checkedOutgoing(prepareSend(args), call);
  return isRefusal(outgoing) ? outgoing : sendOutgoing(context, outgoing, parameterOf(outgoing), call);
}

function parameterOf(outgoing: OutgoingMessage): (address: string) => string {
  return (address) => {
    const key = addressKey(address);
    for (const field of ["to", "cc", "bcc"] as const) {
      const index = outgoing[field].findIndex((entry) => addressKey(entry.address) === key);
      if (index >= 0) return `${field}[${index}]`;
    }
    return "to[0]";
  };
}

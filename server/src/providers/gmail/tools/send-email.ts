// A new message, sent through Gmail's upload endpoint (gmail-send.ts).
import type { SendEmailArgs } from "@mcpemails/generated";
import { isRefusal, prepareSend } from "../../../mail/outgoing.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { sendThroughGmail } from "../gmail-send.js";

export async function sendEmail(context: GmailContext, args: SendEmailArgs, call: ToolCall) {
  const outgoing = checkedOutgoing(prepareSend(args), call);
  return isRefusal(outgoing) ? outgoing : sendThroughGmail(context, outgoing, null, call);
}

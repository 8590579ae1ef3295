// Where every provider's send path meets the send policy: the message as prepared (or its
// refusal), checked by the call's policy before anything is composed or handed over.
import type { ExecutionErrorResult } from "@mcpemails/generated";
import type { OutgoingMessage } from "../../mail/outgoing.js";
import type { SendPolicyRefusal } from "../../send-policy/check-outgoing.js";
import type { ToolCall } from "./provider-tools.js";

export function checkedOutgoing<R extends ExecutionErrorResult>(
  prepared: OutgoingMessage | R,
  call: Pick<ToolCall, "checkOutgoing">,
): OutgoingMessage | R | SendPolicyRefusal {
  return "isError" in prepared ? prepared : (call.checkOutgoing(prepared) ?? prepared);
}

import type { ExecutionErrorResult, SendEmailArgs, SendEmailErrorCode } from "@mcpemails/generated";
import { isRefusal, prepareSend } from "../../../mail/outgoing.js";
import { checkedOutgoing } from "../../core/checked-outgoing.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { SentMessage } from "../../provider.js";
import type { SandboxContext } from "../sandbox-context.js";
import { dispatch } from "../sandbox-dispatch.js";

export async function sendEmail(
  context: SandboxContext,
  args: SendEmailArgs,
  call: ToolCall,
): Promise<SentMessage | ExecutionErrorResult<SendEmailErrorCode>> {
  const outgoing = checkedOutgoing(prepareSend(args), call);
  if (isRefusal(outgoing)) return outgoing;
  return dispatch(context, { ...outgoing, threadId: null }, call);
}

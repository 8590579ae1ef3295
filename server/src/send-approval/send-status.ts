// A hold as get_send_status answers it: its state, and the sent message's ids or the failure once it
// was sent. Who decided is the workspace's business, not the agent's: it is not told.
import type { GetSendStatusOutput } from "@mcpemails/generated";
import type { SendHold } from "../store/store.js";

export function sendStatusOf(hold: SendHold): GetSendStatusOutput {
  const sent = hold.outcome?.sent === true ? hold.outcome : undefined;
  const failed = hold.outcome?.sent === false ? hold.outcome : undefined;
  return {
    hold_id: hold.id,
    tool: hold.tool,
    status: hold.status,
    recipients: hold.recipients,
    held_at: hold.heldAt,
    send_at: hold.sendAt,
    decided_at: hold.decidedAt,
    message_id: sent?.messageId ?? null,
    thread_id: sent?.threadId ?? null,
    rfc822_message_id: sent?.rfc822MessageId ?? null,
    failure: failed?.failure ?? null,
  };
}

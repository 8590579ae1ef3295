// A send under the send policy in force for its caller (decision send-policy): the provider checks
// the message it would hand over with the policy's check, sendOnce counts the policy's sends per
// hour beside the daily quota, and every decision the policy took is written to the send log
// (recipients and outcome, never content). A send log that cannot be written never fails the send.
// Under a policy that requires approval, the send is held instead (send-approval/). The recipients
// of a send become the inbox's known correspondents (correspondents/).
import type { ExecutionErrorResult, SendResult } from "@mcpemails/generated";
import { sendOnce, type SendOutcome } from "../limits/send-once.js";
import { envelopeRecipients } from "../mail/outgoing.js";
import type { SentMessage } from "../providers/provider.js";
import { checkOutgoing, type OutgoingCheck, type SendPolicyRefusal } from "../send-policy/check-outgoing.js";
import { holdKind } from "../send-policy/send-policy.js";
import type { SendDecisionEntry, SendHold, Store } from "../store/store.js";
import { holdForApproval } from "../send-approval/hold-for-approval.js";
import { rememberWrittenTo } from "../correspondents/known-correspondents.js";
import type { ServerInbox } from "./tool-handlers.js";

export interface PolicedSendRequest<E extends ExecutionErrorResult> {
  store: Store;
  now: Date;
  keyId: string;
  inbox: ServerInbox;
  tool: string;
  args: { idempotency_key?: string | undefined };
  send: (check: OutgoingCheck) => Promise<SentMessage | E>;
  /** Told of the hold when the send is held for a person's approval. */
  onHold?: ((hold: SendHold) => void) | undefined;
}

/** The most recipients one log entry names: a draft stored by the mailbox may have any number. */
const LOGGED_RECIPIENTS_MAX = 150;

export function loggedRecipients(recipients: string[]): string[] {
  if (recipients.length <= LOGGED_RECIPIENTS_MAX) return recipients;
  return [
    ...recipients.slice(0, LOGGED_RECIPIENTS_MAX),
    `(and ${recipients.length - LOGGED_RECIPIENTS_MAX} more recipients)`,
  ];
}

interface Checked {
  recipients: string[];
  refusal: SendPolicyRefusal | undefined;
}

export async function policedSend<E extends ExecutionErrorResult>(
  request: PolicedSendRequest<E>,
): Promise<SendOutcome<E>> {
  const { store, now, inbox } = request;
  const policy = inbox.sendPolicy;
  if (policy !== null && holdKind(policy) !== null) return holdForApproval(request, policy);
  let checked: Checked | undefined;
  const check: OutgoingCheck = (outgoing) => {
    const refusal = policy === null ? undefined : checkOutgoing(policy, outgoing, inbox.record.addresses);
    checked = { recipients: loggedRecipients(envelopeRecipients(outgoing)), refusal };
    return refusal;
  };
  const record = (outcome: string, messageId: string | null, refusal: SendPolicyRefusal | undefined) =>
    store
      .recordSendDecision(decision(request, checked?.recipients ?? [], outcome, messageId, refusal))
      .catch(() => undefined);
  let result: SendOutcome<E>;
  try {
    result = await sendOnce<E>({
      store,
      workspace: inbox.workspace,
      inboxId: inbox.id,
      tool: request.tool,
      args: request.args,
      now,
      hourly: policy?.sendsPerHour ? { keyId: request.keyId, limit: policy.sendsPerHour } : null,
      send: () => request.send(check),
    });
  } catch (error) {
    if (checked !== undefined) await record("internal_error", null, checked.refusal);
    throw error;
  }
  if (!("isError" in result)) {
    if (!result.idempotent_replay) {
      await record("accepted", (result as SendResult).message_id, undefined);
      await rememberWrittenTo(store, inbox, checked?.recipients ?? []);
    }
  } else if (checked !== undefined) await record(result.errorCode, null, checked.refusal);
  else if (result.errorCode === "send_policy_refused")
    await record(result.errorCode, null, result as SendPolicyRefusal);
  return result;
}

export function decision(
  request: Pick<PolicedSendRequest<ExecutionErrorResult>, "now" | "keyId" | "inbox" | "tool">,
  recipients: string[],
  outcome: string,
  messageId: string | null,
  refusal: SendPolicyRefusal | undefined,
): SendDecisionEntry {
  return {
    workspaceId: request.inbox.workspace.id,
    at: request.now.toISOString(),
    keyId: request.keyId,
    inboxId: request.inbox.id,
    tool: request.tool,
    decision: refusal === undefined ? "allowed" : "refused",
    rule: refusal === undefined ? null : refusal.rule,
    recipients,
    outcome,
    messageId,
  };
}

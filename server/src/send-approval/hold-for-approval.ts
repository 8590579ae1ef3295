// A send under a policy that requires approval (decision send-approval) or has an undo window
// (decision undo-window). The provider prepares the message as it would leave (a reply's recipients
// from the original, a draft as stored) and the policy's other rules judge it; then the check stops
// it before anything is handed over, and the call is kept as a hold, answered pending_approval, or
// scheduled with its send_at. The call's idempotency_key keeps answering the same hold. No send
// quota is taken here: only when it is sent (send-approvals.ts).
import { randomBytes } from "node:crypto";
import { sendPolicyRefused, type ExecutionErrorResult, type SendResult } from "@mcpemails/generated";
import { claimIdempotencyKey, type SendOutcome } from "../limits/send-once.js";
import { envelopeRecipients } from "../mail/outgoing.js";
import type { SentMessage } from "../providers/provider.js";
import { checkOutgoing, type OutgoingCheck, type SendPolicyRefusal } from "../send-policy/check-outgoing.js";
import { holdKind, type SendPolicy } from "../send-policy/send-policy.js";
import type { HeldTool, NewSendHold } from "../store/store.js";
import { decision, loggedRecipients, type PolicedSendRequest } from "../tools/policed-send.js";

export async function holdForApproval<E extends ExecutionErrorResult>(
  request: PolicedSendRequest<E>,
  policy: SendPolicy,
): Promise<SendOutcome<E>> {
  const { store, now, inbox } = request;
  const claim = await claimIdempotencyKey({
    store,
    workspace: inbox.workspace,
    inboxId: inbox.id,
    tool: request.tool,
    args: request.args,
    now,
  });
  if (!claim.claimed) return claim.answer;
  const release = () =>
    claim.key === undefined ? undefined : store.abandonIdempotent(claim.key).catch(() => undefined);
  // Only this call holds this object: a provider hands it back unchanged, and nothing else can be it.
  const held = sendPolicyRefused({ rule: "recipient_blocked", detail: "held for approval" });
  let recipients: string[] = [];
  let refusal: SendPolicyRefusal | undefined;
  const check: OutgoingCheck = (outgoing) => {
    recipients = loggedRecipients(envelopeRecipients(outgoing));
    refusal = checkOutgoing(policy, outgoing, inbox.record.addresses);
    return refusal ?? held;
  };
  let prepared: SentMessage | E;
  try {
    prepared = await request.send(check);
  } catch (error) {
    await release();
    throw error;
  }
  if (prepared !== held) {
    await release();
    if (!("isError" in prepared)) throw new Error(`${request.tool} sent a message its approval check had stopped`);
    if (refusal !== undefined)
      await store
        .recordSendDecision(decision(request, recipients, prepared.errorCode, null, refusal))
        .catch(() => undefined);
    return prepared;
  }
  const holdId = `h-${randomBytes(12).toString("hex")}`;
  const kind = holdKind(policy);
  const sendAt =
    kind === null || kind === "approval" ? null : new Date(now.getTime() + kind.undoSeconds * 1000).toISOString();
  const { idempotency_key: _replayedByTheHold, ...args } = request.args as Record<string, unknown>;
  const hold: NewSendHold = {
    id: holdId,
    workspaceId: inbox.workspace.id,
    inboxId: inbox.id,
    keyId: request.keyId,
    tool: request.tool as HeldTool,
    args,
    recipients,
    heldAt: now.toISOString(),
    sendAt,
  };
  try {
    await store.createSendHold(hold);
  } catch (error) {
    await release();
    throw error;
  }
  // Only a person's approval is asked for; an undo window ends by itself.
  if (sendAt === null)
    request.onHold?.({ ...hold, status: "pending_approval", decidedAt: null, decidedBy: null, outcome: null });
  const answer: SendResult = {
    message_id: null,
    thread_id: null,
    rfc822_message_id: null,
    ...(sendAt === null
      ? { delivery_status: "pending_approval" as const, hold_id: holdId }
      : { delivery_status: "scheduled" as const, hold_id: holdId, send_at: sendAt }),
    idempotent_replay: false,
  };
  if (claim.key !== undefined) await store.completeIdempotent(claim.key, answer);
  await store
    .recordSendDecision({
      ...decision(request, recipients, sendAt === null ? "pending_approval" : "scheduled", null, undefined),
      decision: "held",
      holdId,
    })
    .catch(() => undefined);
  return answer;
}

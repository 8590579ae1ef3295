// A person's decision on a held send (decision send-approval), from the dashboard or the CLI. One
// decision wins however many are made at once (Store.decideSendHold moves a hold out of
// pending_approval once). An approved hold is sent then, through the same policed path as any send:
// the policy in force now (its other rules: approval itself is what was just given), the sends per
// hour and the daily quota charged now. A hold whose key was revoked, or whose inbox was removed,
// fails without sending: the person revoking it meant to stop the agent.
import type { ExecutionErrorResult, SendResult } from "@mcpemails/generated";
import type { MailProvider } from "../providers/provider.js";
import type { OutgoingCheck } from "../send-policy/check-outgoing.js";
import { policyInForce } from "../send-policy/send-policy.js";
import type { InboxRecord, SendHold, SendHoldOutcome, Store } from "../store/store.js";
import { policedSend } from "../tools/policed-send.js";
import type { ServerInbox } from "../tools/tool-handlers.js";

export interface SendApprovalDeps {
  store: Store;
  providerFor: (inbox: InboxRecord) => MailProvider;
  now: () => Date;
}

export type HoldDecision = { ok: true; hold: SendHold } | { ok: false; problem: string };

export interface SendApprovals {
  /** Approves and sends the hold; the hold returned says how the send ended (sent or failed). */
  approve(workspaceId: string, holdId: string, by: string): Promise<HoldDecision>;
  reject(workspaceId: string, holdId: string, by: string): Promise<HoldDecision>;
}

export function createSendApprovals(deps: SendApprovalDeps): SendApprovals {
  const { store, now } = deps;
  const decide = async (workspaceId: string, holdId: string, to: "sending" | "rejected", by: string) => {
    const at = now();
    const hold = await store.decideSendHold(workspaceId, holdId, { to, by, at: at.toISOString() });
    if (hold !== undefined)
      await store
        .recordSendDecision({
          workspaceId,
          at: at.toISOString(),
          keyId: hold.keyId,
          inboxId: hold.inboxId,
          tool: hold.tool,
          decision: to === "sending" ? "approved" : "rejected",
          rule: null,
          recipients: hold.recipients,
          outcome: to === "sending" ? "approved" : "rejected",
          messageId: null,
          holdId,
          by,
        })
        .catch(() => undefined);
    return hold;
  };
  return {
    async approve(workspaceId, holdId, by) {
      const hold = await decide(workspaceId, holdId, "sending", by);
      if (hold === undefined) return notPending(store, workspaceId, holdId);
      let outcome: SendHoldOutcome;
      try {
        outcome = await sendHeld(deps, hold);
      } catch {
        outcome = {
          sent: false,
          failure: "internal_error: the send failed in this server before anything was handed over",
        };
      }
      await store.finishSendHold(workspaceId, holdId, { status: outcome.sent ? "sent" : "failed", outcome });
      return { ok: true, hold: (await store.getSendHold(workspaceId, holdId)) ?? hold };
    },
    async reject(workspaceId, holdId, by) {
      const hold = await decide(workspaceId, holdId, "rejected", by);
      return hold === undefined ? notPending(store, workspaceId, holdId) : { ok: true, hold };
    },
  };
}

async function notPending(store: Store, workspaceId: string, holdId: string): Promise<HoldDecision> {
  const hold = await store.getSendHold(workspaceId, holdId);
  return {
    ok: false,
    problem:
      hold === undefined
        ? `no held send ${holdId} in this workspace`
        : `held send ${holdId} is no longer waiting for approval (it is ${hold.status})`,
  };
}

async function sendHeld(deps: SendApprovalDeps, hold: SendHold): Promise<SendHoldOutcome> {
  const { store } = deps;
  const [record, workspace, keys, grant] = await Promise.all([
    store.getInbox(hold.inboxId),
    store.getWorkspace(hold.workspaceId),
    store.listApiKeys(hold.workspaceId),
    store.getOAuthGrant(hold.keyId),
  ]);
  if (record === undefined || workspace === undefined || record.workspaceId !== hold.workspaceId)
    return { sent: false, failure: "inbox_not_found: the inbox was removed; nothing was sent" };
  const key = keys.find((candidate) => candidate.id === hold.keyId);
  const caller = key ?? (grant?.workspaceId === hold.workspaceId ? grant : undefined);
  if (caller === undefined || caller.revokedAt !== null)
    return { sent: false, failure: "key_revoked: the key that asked for this send was revoked; nothing was sent" };
  const policy = policyInForce(key?.sendPolicy ?? null, workspace.sendPolicy);
  const inbox: ServerInbox = {
    id: record.id,
    mode: record.mode,
    record,
    workspace,
    sendPolicy: policy === null ? null : { ...policy, requireApproval: false },
  };
  const provider = deps.providerFor(record);
  const signal = new AbortController().signal;
  const result = await policedSend<ExecutionErrorResult>({
    store,
    now: deps.now(),
    keyId: hold.keyId,
    inbox,
    tool: hold.tool,
    args: hold.args,
    send: (check) => sendWith(provider, hold, signal, check),
  });
  if ("isError" in result)
    return { sent: false, failure: `${result.errorCode}: ${result.content.map((block) => block.text).join(" ")}` };
  const sent = result as SendResult;
  return {
    sent: true,
    messageId: sent.message_id,
    threadId: sent.thread_id,
    rfc822MessageId: sent.rfc822_message_id ?? "",
  };
}

function sendWith(provider: MailProvider, hold: SendHold, signal: AbortSignal, check: OutgoingCheck) {
  // The arguments were checked against the tool's schema when the call was held.
  switch (hold.tool) {
    case "send_email":
      return provider.send_email(hold.args as Parameters<MailProvider["send_email"]>[0], signal, check);
    case "reply_to_email":
      return provider.reply_to_email(hold.args as Parameters<MailProvider["reply_to_email"]>[0], signal, check);
    case "send_draft":
      return provider.send_draft(hold.args as Parameters<MailProvider["send_draft"]>[0], signal, check);
  }
}

declare module "fastify" {
  interface FastifyInstance {
    /** The server's decisions on held sends (app.ts), for the dashboard and for tests. */
    sendApprovals?: SendApprovals;
  }
}

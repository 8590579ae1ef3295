// A decision on a held send (decisions send-approval and undo-window): a person's, from the
// dashboard, the CLI or an emailed link, or the end of an undo window (undo-window-sender.ts). One
// decision wins however many are made at once, on any instance (Store.decideSendHold moves a hold
// out of its waiting status once). Rejecting a hold in its undo window cancels it. An approved hold is sent then, through the same policed path as any send:
// the policy in force now (its other rules: approval, or the undo window, is what was just given), the sends per
// hour and the daily quota charged now. A hold whose key was revoked, or whose inbox was removed,
// fails without sending: the person revoking it meant to stop the agent.
import type { ExecutionErrorResult, SendResult } from "@mcpemails/generated";
import type { MailProvider } from "../providers/provider.js";
import type { OutgoingCheck } from "../send-policy/check-outgoing.js";
import { policyInForce } from "../send-policy/send-policy.js";
import type {
  HeldTool,
  InboxRecord,
  SendHold,
  SendHoldOutcome,
  SendHoldStatus,
  Store,
  WaitingHoldStatus,
} from "../store/store.js";
import { policedSend } from "../tools/policed-send.js";
import type { ServerInbox } from "../tools/tool-handlers.js";

export interface SendApprovalDeps {
  store: Store;
  providerFor: (inbox: InboxRecord) => MailProvider;
  now: () => Date;
}

export type HoldDecision = { ok: true; hold: SendHold } | { ok: false; problem: string };

export interface SendApprovals {
  /** Approves and sends the hold (one in its undo window: at once); the hold returned says how the send ended (sent or failed). */
  approve(workspaceId: string, holdId: string, by: string): Promise<HoldDecision>;
  /** Rejects a hold waiting for approval, or cancels one in its undo window: nothing is sent. */
  reject(workspaceId: string, holdId: string, by: string): Promise<HoldDecision>;
  /** Sends a hold whose undo window is over, unless it was decided meanwhile (then ok is false). */
  sendDue(workspaceId: string, holdId: string): Promise<HoldDecision>;
}

/** Who the send log names when a hold went out because its undo window ended. */
export const UNDO_WINDOW_ENDED = "undo window";

/** Whether a hold still waits for a decision: a person's, or its undo window's end. */
export const isWaiting = (status: SendHoldStatus): status is WaitingHoldStatus =>
  status === "pending_approval" || status === "scheduled";

export function createSendApprovals(deps: SendApprovalDeps): SendApprovals {
  const { store, now } = deps;
  const decide = async (
    workspaceId: string,
    holdId: string,
    verdict: "send" | "stop",
    by: string,
    only?: WaitingHoldStatus,
  ) => {
    const waiting = await store.getSendHold(workspaceId, holdId);
    if (waiting === undefined || !isWaiting(waiting.status) || (only !== undefined && waiting.status !== only))
      return undefined;
    const to = verdict === "send" ? "sending" : waiting.status === "scheduled" ? "cancelled" : "rejected";
    const at = now();
    const hold = await store.decideSendHold(workspaceId, holdId, {
      from: waiting.status,
      to,
      by,
      at: at.toISOString(),
    });
    if (hold !== undefined)
      await store
        .recordSendDecision({
          workspaceId,
          at: at.toISOString(),
          keyId: hold.keyId,
          inboxId: hold.inboxId,
          tool: hold.tool,
          decision: to === "sending" ? "approved" : to,
          rule: null,
          recipients: hold.recipients,
          outcome: to === "sending" ? "approved" : to,
          messageId: null,
          holdId,
          by,
        })
        .catch(() => undefined);
    return hold;
  };
  const sendDecided = async (hold: SendHold): Promise<HoldDecision> => {
    const { workspaceId, id: holdId } = hold;
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
  };
  return {
    async approve(workspaceId, holdId, by) {
      const hold = await decide(workspaceId, holdId, "send", by);
      return hold === undefined ? notPending(store, workspaceId, holdId) : sendDecided(hold);
    },
    async reject(workspaceId, holdId, by) {
      const hold = await decide(workspaceId, holdId, "stop", by);
      return hold === undefined ? notPending(store, workspaceId, holdId) : { ok: true, hold };
    },
    async sendDue(workspaceId, holdId) {
      const hold = await decide(workspaceId, holdId, "send", UNDO_WINDOW_ENDED, "scheduled");
      return hold === undefined ? notPending(store, workspaceId, holdId) : sendDecided(hold);
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
        : `held send ${holdId} is no longer waiting (it is ${hold.status})`,
  };
}

async function sendHeld(deps: SendApprovalDeps, hold: SendHold): Promise<SendHoldOutcome> {
  const { store } = deps;
  const { args } = hold;
  if (args === null)
    return {
      sent: false,
      failure:
        "internal_error: the held message can no longer be read (the server's secret key was replaced); nothing was sent",
    };
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
  const policy = policyInForce(key?.sendPolicy ?? null, workspace.sendPolicy, record);
  const inbox: ServerInbox = {
    id: record.id,
    mode: record.mode,
    record,
    workspace,
    // Approval, or the window's end, is what was just given: the hold must not be held again.
    sendPolicy: policy === null ? null : { ...policy, requireApproval: false, undoSeconds: null },
  };
  const provider = deps.providerFor(record);
  const signal = new AbortController().signal;
  const result = await policedSend<ExecutionErrorResult>({
    store,
    now: deps.now(),
    keyId: hold.keyId,
    inbox,
    tool: hold.tool,
    args,
    send: (check) => sendWith(provider, hold.tool, args, signal, check),
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

function sendWith(
  provider: MailProvider,
  tool: HeldTool,
  args: Record<string, unknown>,
  signal: AbortSignal,
  check: OutgoingCheck,
) {
  // The arguments were checked against the tool's schema when the call was held.
  switch (tool) {
    case "send_email":
      return provider.send_email(args as Parameters<MailProvider["send_email"]>[0], signal, check);
    case "reply_to_email":
      return provider.reply_to_email(args as Parameters<MailProvider["reply_to_email"]>[0], signal, check);
    case "send_draft":
      return provider.send_draft(args as Parameters<MailProvider["send_draft"]>[0], signal, check);
  }
}

declare module "fastify" {
  interface FastifyInstance {
    /** The server's decisions on held sends (app.ts), for the dashboard and for tests. */
    sendApprovals?: SendApprovals;
  }
}

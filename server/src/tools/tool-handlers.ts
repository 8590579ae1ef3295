// The server's implementation of the generated ToolHandlers: the inbox's provider, and the risk
// signals of every message read (message-risk.ts), judged by the inbox's known correspondents
// (correspondents/); sends (a draft's too) go through policedSend
// (the send policy, idempotency and the daily send quota); get_send_status reads the store's holds.
// The monthly call quota was taken with the rate windows before any handler runs
// (mcp/tool-call-pipeline.ts).
import { sendHoldNotFound, type Caller, type InboxRef, type ToolHandlers } from "@mcpemails/generated";
import type { MailProvider } from "../providers/provider.js";
import { policyInForce, type SendPolicy } from "../send-policy/send-policy.js";
import type { ConfigReads } from "../store/config-cache.js";
import { policedSend } from "./policed-send.js";
import { sendStatusOf } from "../send-approval/send-status.js";
import { settledIfStalled } from "../send-approval/stalled-send.js";
import { messagesOf, withRisk, withRiskOnEach } from "./message-risk.js";
import { KnownCorrespondents } from "../correspondents/known-correspondents.js";
import type { InboxRecord, SendHold, Store, Workspace } from "../store/store.js";

export interface ServerInbox extends InboxRef {
  record: InboxRecord;
  workspace: Workspace;
  /** The send policy in force for this caller's sends from it (its key's, else its workspace's); null: none. */
  sendPolicy: SendPolicy | null;
}

export interface ToolHandlerDeps {
  store: Store;
  providerFor: (inbox: InboxRecord) => MailProvider;
  now: () => Date;
  /** Told of every send held for a person's approval (the emailed approval link). */
  onHold?: ((hold: SendHold) => void) | undefined;
}

/** The server's caller: a key may be limited to some inboxes of its workspace (null: all of them). */
export interface ServerCaller extends Caller {
  readonly inboxIds: readonly string[] | null;
  /** The key's workspace as this request read it, so that the call does not read it again. */
  readonly workspace?: Workspace;
  /** The key's own send policy (an OAuth grant has none): it replaces the workspace's. */
  readonly sendPolicy?: SendPolicy | null;
}

/**
 * The inbox with this id when it belongs to the caller's workspace and mode, and the key may use it;
 * otherwise undefined, never a hint: an inbox the key may not use is, to the key, no inbox at all.
 */
export async function resolveInbox(
  store: ConfigReads,
  inboxId: string,
  caller: Caller & Partial<Pick<ServerCaller, "inboxIds" | "workspace" | "sendPolicy">>,
): Promise<ServerInbox | undefined> {
  if (caller.inboxIds && !caller.inboxIds.includes(inboxId.toLowerCase())) return undefined;
  const record = await store.getInbox(inboxId);
  if (!record || record.workspaceId !== caller.workspaceId || record.mode !== caller.mode) return undefined;
  const workspace =
    caller.workspace?.id === record.workspaceId ? caller.workspace : await store.getWorkspace(record.workspaceId);
  if (!workspace) return undefined;
  return {
    id: record.id,
    mode: record.mode,
    record,
    workspace,
    sendPolicy: policyInForce(caller.sendPolicy ?? null, workspace.sendPolicy, record),
  };
}

export function createToolHandlers({ store, providerFor, now, onHold }: ToolHandlerDeps): ToolHandlers<ServerInbox> {
  const correspondents = new KnownCorrespondents(store);
  /** What is known of the senders of a read's messages, once the read is recorded. */
  const knowledge = (inbox: ServerInbox, output: Parameters<typeof messagesOf>[0]) =>
    correspondents.knowledgeOf(inbox, providerFor(inbox.record), messagesOf(output));
  return {
    async list_inbox(args, { inbox, signal }) {
      const output = await providerFor(inbox.record).list_inbox(args, signal);
      return withRiskOnEach(output, inbox.record.addresses, await knowledge(inbox, output));
    },
    async read_email(args, { inbox, signal }) {
      const output = await providerFor(inbox.record).read_email(args, signal);
      return withRisk(output, inbox.record.addresses, await knowledge(inbox, output));
    },
    async search_emails(args, { inbox, signal }) {
      const output = await providerFor(inbox.record).search_emails(args, signal);
      return withRiskOnEach(output, inbox.record.addresses, await knowledge(inbox, output));
    },
    async list_folders(args, { inbox, signal }) {
      return providerFor(inbox.record).list_folders(args, signal);
    },
    async get_thread(args, { inbox, signal }) {
      const output = await providerFor(inbox.record).get_thread(args, signal);
      return withRiskOnEach(output, inbox.record.addresses, await knowledge(inbox, output));
    },
    async get_attachment(args, { inbox, signal }) {
      return providerFor(inbox.record).get_attachment(args, signal);
    },
    async create_draft(args, { inbox, signal }) {
      return providerFor(inbox.record).create_draft(args, signal);
    },
    async update_draft(args, { inbox, signal }) {
      return providerFor(inbox.record).update_draft(args, signal);
    },
    async delete_draft(args, { inbox, signal }) {
      return providerFor(inbox.record).delete_draft(args, signal);
    },
    async send_draft(args, { caller, inbox, signal }) {
      return policedSend({
        store,
        onHold,
        now: now(),
        keyId: caller.keyId,
        inbox,
        tool: "send_draft",
        args,
        send: (check) => providerFor(inbox.record).send_draft(args, signal, check),
      });
    },
    async send_email(args, { caller, inbox, signal }) {
      return policedSend({
        store,
        onHold,
        now: now(),
        keyId: caller.keyId,
        inbox,
        tool: "send_email",
        args,
        send: (check) => providerFor(inbox.record).send_email(args, signal, check),
      });
    },
    async get_send_status(args, { inbox }) {
      const hold = await store.getSendHold(inbox.workspace.id, args.hold_id);
      if (hold === undefined || hold.inboxId !== inbox.id)
        return sendHoldNotFound({ hold_id: args.hold_id, inbox_id: inbox.id });
      return sendStatusOf(await settledIfStalled(store, hold, now()));
    },
    async reply_to_email(args, { caller, inbox, signal }) {
      return policedSend({
        store,
        onHold,
        now: now(),
        keyId: caller.keyId,
        inbox,
        tool: "reply_to_email",
        args,
        send: (check) => providerFor(inbox.record).reply_to_email(args, signal, check),
      });
    },
  };
}

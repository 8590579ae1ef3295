// The server's implementation of the generated ToolHandlers: the inbox's provider, and the risk
// signals of every message read (message-risk.ts); sends (a draft's too) go through sendOnce (idempotency and the daily send quota). The monthly call quota was taken
// with the rate windows before any handler runs (mcp/tool-call-pipeline.ts).
import type { Caller, InboxRef, ToolHandlers } from "@mcpemails/generated";
import { sendOnce } from "../limits/send-once.js";
import type { MailProvider } from "../providers/provider.js";
import type { ConfigReads } from "../store/config-cache.js";
import { withRisk, withRiskOnEach } from "./message-risk.js";
import type { InboxRecord, Store, Workspace } from "../store/store.js";

export interface ServerInbox extends InboxRef {
  record: InboxRecord;
  workspace: Workspace;
}

export interface ToolHandlerDeps {
  store: Store;
  providerFor: (inbox: InboxRecord) => MailProvider;
  now: () => Date;
}

/** The server's caller: a key may be limited to some inboxes of its workspace (null: all of them). */
export interface ServerCaller extends Caller {
  readonly inboxIds: readonly string[] | null;
  /** The key's workspace as this request read it, so that the call does not read it again. */
  readonly workspace?: Workspace;
}

/**
 * The inbox with this id when it belongs to the caller's workspace and mode, and the key may use it;
 * otherwise undefined, never a hint: an inbox the key may not use is, to the key, no inbox at all.
 */
export async function resolveInbox(
  store: ConfigReads,
  inboxId: string,
  caller: Caller & Partial<Pick<ServerCaller, "inboxIds" | "workspace">>,
): Promise<ServerInbox | undefined> {
  if (caller.inboxIds && !caller.inboxIds.includes(inboxId.toLowerCase())) return undefined;
  const record = await store.getInbox(inboxId);
  if (!record || record.workspaceId !== caller.workspaceId || record.mode !== caller.mode) return undefined;
  const workspace =
    caller.workspace?.id === record.workspaceId ? caller.workspace : await store.getWorkspace(record.workspaceId);
  return workspace ? { id: record.id, mode: record.mode, record, workspace } : undefined;
}

export function createToolHandlers({ store, providerFor, now }: ToolHandlerDeps): ToolHandlers<ServerInbox> {
  return {
    async list_inbox(args, { inbox, signal }) {
      return withRiskOnEach(await providerFor(inbox.record).list_inbox(args, signal), inbox.record.addresses);
    },
    async read_email(args, { inbox, signal }) {
      return withRisk(await providerFor(inbox.record).read_email(args, signal), inbox.record.addresses);
    },
    async search_emails(args, { inbox, signal }) {
      return withRiskOnEach(await providerFor(inbox.record).search_emails(args, signal), inbox.record.addresses);
    },
    async list_folders(args, { inbox, signal }) {
      return providerFor(inbox.record).list_folders(args, signal);
    },
    async get_thread(args, { inbox, signal }) {
      return withRiskOnEach(await providerFor(inbox.record).get_thread(args, signal), inbox.record.addresses);
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
    async send_draft(args, { inbox, signal }) {
      return sendOnce({
        store,
        workspace: inbox.workspace,
        inboxId: inbox.id,
        tool: "send_draft",
        args,
        now: now(),
        send: () => providerFor(inbox.record).send_draft(args, signal),
      });
    },
    async send_email(args, { inbox, signal }) {
      return sendOnce({
        store,
        workspace: inbox.workspace,
        inboxId: inbox.id,
        tool: "send_email",
        args,
        now: now(),
        send: () => providerFor(inbox.record).send_email(args, signal),
      });
    },
    async reply_to_email(args, { inbox, signal }) {
      return sendOnce({
        store,
        workspace: inbox.workspace,
        inboxId: inbox.id,
        tool: "reply_to_email",
        args,
        now: now(),
        send: () => providerFor(inbox.record).reply_to_email(args, signal),
      });
    },
  };
}

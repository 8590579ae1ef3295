// The sandbox provider: a MailProvider over an inbox whose messages live in the store, with the
// full semantics of the tools, one module each (tools/). Sends never leave the server: they
// are filed in SENT and delivered to the other sandbox inboxes of the workspace they are addressed to.
import type { InboxRecord } from "../../store/store.js";
import { assembleProvider } from "../core/provider-tools.js";
import type { MailProvider } from "../provider.js";
import { sandboxContext } from "./sandbox-context.js";
import type { SandboxMailbox } from "./sandbox-message.js";
import { SANDBOX_INBOX_MAX_BYTES } from "./sandbox-storage.js";
import { createDraft } from "./tools/create-draft.js";
import { deleteDraft } from "./tools/delete-draft.js";
import { getAttachment } from "./tools/get-attachment.js";
import { getThread } from "./tools/get-thread.js";
import { listFolders } from "./tools/list-folders.js";
import { listInbox } from "./tools/list-inbox.js";
import { readEmail } from "./tools/read-email.js";
import { replyToEmail } from "./tools/reply-to-email.js";
import { searchEmails } from "./tools/search-emails.js";
import { sendDraft } from "./tools/send-draft.js";
import { sendEmail } from "./tools/send-email.js";
import { updateDraft } from "./tools/update-draft.js";

export interface SandboxProviderOptions {
  inbox: InboxRecord;
  mailbox: SandboxMailbox;
  /**
   * The sandbox inbox of the same workspace with this address, if any: where a send to that
   * address is delivered. Addresses compare case-insensitively.
   */
  deliverTo: (address: string) => Promise<InboxRecord | undefined>;
  now?: () => Date;
  /** Bytes of message sources one inbox keeps before its oldest go (SANDBOX_INBOX_MAX_BYTES unless a test says). */
  maxInboxBytes?: number;
}

const SANDBOX_TOOLS = {
  list_inbox: listInbox,
  read_email: readEmail,
  search_emails: searchEmails,
  send_email: sendEmail,
  reply_to_email: replyToEmail,
  list_folders: listFolders,
  get_thread: getThread,
  get_attachment: getAttachment,
  create_draft: createDraft,
  update_draft: updateDraft,
  delete_draft: deleteDraft,
  send_draft: sendDraft,
};

export function createSandboxProvider(options: SandboxProviderOptions): MailProvider {
  return assembleProvider({
    service: "the sandbox",
    context: sandboxContext({
      inbox: options.inbox,
      mailbox: options.mailbox,
      deliverTo: options.deliverTo,
      now: options.now ?? (() => new Date()),
      maxInboxBytes: options.maxInboxBytes ?? SANDBOX_INBOX_MAX_BYTES,
    }),
    tools: SANDBOX_TOOLS,
    // Every failure of the sandbox is its own (ProviderFailure) or a bug of this server's.
    classify: () => undefined,
  });
}

// The IMAP/SMTP provider: the tools over the inbox's own mail servers, one module each
// (tools/), sharing the context (imap-context.ts): reads through a pool of imapflow connections,
// sends through the inbox's SMTP server (nodemailer), the sender's copy filed in Sent by APPEND.
// The servers' errors are read by imapFailure into the failure taxonomy, which the core turns
// into the error catalogue.
//
// "Newest first" here means latest arrival first: the highest sequence number (and UID) of a
// folder is the message the server received last. That keeps list_inbox at O(limit) IMAP work at
// any offset (a sequence range from the end); ordering by the Date header would mean reading the
// dates of the whole folder. Across folders (search), arrival is compared by INTERNALDATE.
import type { InboxRecord } from "../../store/store.js";
import { assembleProvider } from "../core/provider-tools.js";
import type { ClosableProvider } from "../provider.js";
import { imapContext } from "./imap-context.js";
import { imapFailure } from "./imap-failure.js";
import type { ImapOAuthApps } from "./imap-oauth-tokens.js";
import type { ImapPoolOptions, ImapSettings } from "./imap-settings.js";
import type { MailNetworkPolicy } from "./mail-network.js";
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

export interface ImapProviderOptions {
  inbox: InboxRecord;
  settings: ImapSettings;
  pool: ImapPoolOptions;
  /** Which addresses its servers may be at, and whether a plaintext login may leave this machine. */
  network: MailNetworkPolicy;
  now?: () => Date;
  /**
   * Told when a message went out but its copy could not be filed in Sent (the result says only
   * message_id null, as the protocol has no field for the reason).
   */
  onSentCopyNotFiled?: (event: { inboxId: string; reason: string }) => void;
  /** The apps whose refresh tokens an inbox signing in with OAuth holds. */
  apps?: ImapOAuthApps;
  /** Stores the inbox's settings again (a refresh token the service rotated). */
  saveSettings?: (secret: string) => Promise<void>;
}

const IMAP_TOOLS = {
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

export function createImapProvider(options: ImapProviderOptions): ClosableProvider {
  const context = imapContext({ ...options, now: options.now ?? (() => new Date()) });
  return assembleProvider({
    service: "the mail server",
    context,
    tools: IMAP_TOOLS,
    classify: (error) => imapFailure(error, options.settings, options.inbox.id),
    close: () => context.pool.close(),
  });
}

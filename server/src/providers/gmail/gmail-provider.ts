// The Gmail provider: every tool over the Gmail API of one mailbox, through @googleapis/gmail
// (the per-API package of googleapis), one module each (tools/), sharing the context
// (gmail-context.ts). Folders are system labels, unread is the UNREAD label, list pages come from
// page-token checkpoints and their MIME trees (format full) from one batch request, reads parse the
// raw source like every provider, sends go as raw MIME through the upload endpoint and Gmail files
// them in SENT itself. Google's errors are read by googleFailure into the failure taxonomy, which
// the core turns into the error catalogue.
import type { InboxRecord } from "../../store/store.js";
import { assembleProvider } from "../core/provider-tools.js";
import type { GoogleAppConfig } from "../provider-apps.js";
import type { ClosableProvider } from "../provider.js";
import type { CallPolicy } from "./gmail-calls.js";
import { gmailContext } from "./gmail-context.js";
import { googleFailure } from "./gmail-failure.js";
import type { GmailSettings } from "./gmail-settings.js";
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

export interface GmailProviderOptions {
  inbox: InboxRecord;
  settings: GmailSettings;
  app: GoogleAppConfig;
  now?: () => Date;
  /** Retries, waits and timeouts of Gmail calls (tests shorten them). */
  callPolicy?: Partial<CallPolicy>;
}

const GMAIL_TOOLS = {
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

export function createGmailProvider(options: GmailProviderOptions): ClosableProvider {
  return assembleProvider({
    service: "Gmail",
    context: gmailContext({ ...options, now: options.now ?? (() => new Date()) }),
    tools: GMAIL_TOOLS,
    classify: googleFailure,
    // Nothing is held open: requests are made per call, tokens live in memory.
  });
}

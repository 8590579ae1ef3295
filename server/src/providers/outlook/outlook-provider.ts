// The Outlook provider: the tools over Microsoft Graph for one mailbox, with tokens from MSAL,
// one module each (tools/), sharing the context (outlook-context.ts). list_inbox is one request per
// page; read_email the MIME source plus the few properties MIME lacks; search_emails KQL $search or
// $filter (graph-query.ts); a send a draft from MIME, then sent (outlook-send.ts); list_folders the
// folders below msgfolderroot; get_thread a conversation's messages as read_email reads them;
// get_attachment from the MIME source. Graph's failures are GraphRequestErrors and MSAL's are read
// by identityFailure: both ProviderFailures, which the core turns into the error catalogue.
import type { InboxRecord } from "../../store/store.js";
import { assembleProvider } from "../core/provider-tools.js";
import type { MicrosoftAppConfig } from "../provider-apps.js";
import type { ClosableProvider } from "../provider.js";
import { identityFailure } from "./msal-tokens.js";
import { outlookContext } from "./outlook-context.js";
import type { OutlookSettings } from "./outlook-settings.js";
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

export interface OutlookProviderOptions {
  inbox: InboxRecord;
  settings: OutlookSettings;
  app: MicrosoftAppConfig;
  /** Stores the settings again (encrypted) when MSAL's token cache changed. */
  saveSettings: (settings: OutlookSettings) => Promise<void>;
  now?: () => Date;
  /** Waits of the retries (retry-rule.ts); tests pass one that records instead of sleeping. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How long one Graph request may go unanswered (graph-client.ts); a search's deadline is the call's. */
  requestTimeoutMs?: number;
  /** How long a send waits for its Sent Items copy before answering message_id null (SENT_COPY_WAIT_MS). */
  sentCopyWaitMs?: number;
}

const OUTLOOK_TOOLS = {
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

export function createOutlookProvider(options: OutlookProviderOptions): ClosableProvider {
  const context = outlookContext({ ...options, now: options.now ?? (() => new Date()) });
  return assembleProvider({
    service: "Microsoft Graph",
    context,
    tools: OUTLOOK_TOOLS,
    classify: identityFailure,
    close: () => context.close(),
  });
}

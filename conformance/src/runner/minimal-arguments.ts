// The smallest valid arguments for each tool, for checks that care about who may call it rather
// than about what it does. Sends go to the reserved .invalid domain (RFC 2606), which no mail can
// reach, in case a broken server sends what it should have refused.
import type { ToolName } from "@mcpemails/generated";
import type { InboxSample } from "./inbox-sample.js";

export const UNDELIVERABLE_ADDRESS = "conformance@mcpemails.invalid";
export const NO_SUCH_MESSAGE = "conformance-no-such-message";
const NO_SUCH_DRAFT = "conformance-no-such-draft";
const NO_SUCH_HOLD = "conformance-no-such-hold";

/** The ids the reads name: the inbox's own where it has them, ids that name nothing otherwise. */
export interface CallIds {
  message: string;
  thread: string;
  attachment: { message: string; attachment: string };
}

export const MADE_UP_IDS: CallIds = {
  message: NO_SUCH_MESSAGE,
  thread: "conformance-no-such-thread",
  attachment: { message: NO_SUCH_MESSAGE, attachment: "conformance-no-such-attachment" },
};

/** Real ids from the inbox under test, each left made up when the inbox has none. */
export async function realIds(inbox: InboxSample): Promise<CallIds & { real: Record<keyof CallIds, boolean> }> {
  const message = await inbox.firstMessageId();
  const thread = await inbox.threadMessage();
  const attachment = await inbox.attachment();
  return {
    message: message ?? MADE_UP_IDS.message,
    thread: thread?.thread_id ?? MADE_UP_IDS.thread,
    attachment:
      attachment === undefined
        ? MADE_UP_IDS.attachment
        : { message: attachment.messageId, attachment: attachment.attachment.attachment_id },
    real: { message: message !== undefined, thread: thread !== undefined, attachment: attachment !== undefined },
  };
}

export function minimalArguments(tool: ToolName, inboxId: string, ids: CallIds): Record<string, unknown> {
  switch (tool) {
    case "list_inbox":
      return { inbox_id: inboxId, limit: 1 };
    case "read_email":
      return { inbox_id: inboxId, message_id: ids.message };
    case "search_emails":
      return { inbox_id: inboxId, query: "is:unread", limit: 1 };
    case "send_email":
      return {
        inbox_id: inboxId,
        to: [UNDELIVERABLE_ADDRESS],
        subject: "MCPEmails conformance: scope check",
        body: "This message should never have been sent.",
      };
    case "reply_to_email":
      return { inbox_id: inboxId, message_id: ids.message, body: "This reply should never have been sent." };
    case "list_folders":
      return { inbox_id: inboxId };
    case "get_thread":
      return { inbox_id: inboxId, thread_id: ids.thread };
    case "get_attachment":
      return { inbox_id: inboxId, message_id: ids.attachment.message, attachment_id: ids.attachment.attachment };
    // Drafts name one that cannot exist, so that a server which skips the scope check changes nothing.
    case "create_draft":
      return { inbox_id: inboxId, to: [UNDELIVERABLE_ADDRESS], body: "This draft should never have been made." };
    case "update_draft":
      return { inbox_id: inboxId, draft_id: NO_SUCH_DRAFT, body: "This draft should never have been changed." };
    case "delete_draft":
    case "send_draft":
      return { inbox_id: inboxId, draft_id: NO_SUCH_DRAFT };
    case "get_send_status":
      return { inbox_id: inboxId, hold_id: NO_SUCH_HOLD };
  }
}

// Every parameter of every tool, as this server handles it (in the providers and limits). Checked
// against the generated argument types: a tool or parameter added to the spec stops `tsc` here
// until someone handles it and lists it, and one removed from the spec until it is taken out.
// (A new tool also stops tsc at createToolHandlers, which must implement ToolHandlers.)
import type { ToolArgs, ToolName } from "@mcpemails/generated";

export const HANDLED_PARAMETERS = {
  list_inbox: { inbox_id: true, limit: true, offset: true, folder: true, unread_only: true },
  read_email: {
    inbox_id: true,
    message_id: true,
    include_html: true,
    include_attachments: true,
    mark_as_read: true,
    body_format: true,
    strip_quoted: true,
  },
  search_emails: { inbox_id: true, query: true, syntax: true, limit: true, offset: true, include_folders: true },
  send_email: {
    inbox_id: true,
    to: true,
    subject: true,
    body: true,
    cc: true,
    bcc: true,
    html_body: true,
    reply_to: true,
    attachments: true,
    idempotency_key: true,
  },
  reply_to_email: {
    inbox_id: true,
    message_id: true,
    body: true,
    html_body: true,
    reply_all: true,
    attachments: true,
    idempotency_key: true,
  },
  list_folders: { inbox_id: true },
  get_thread: { inbox_id: true, thread_id: true, body_format: true, strip_quoted: true },
  get_attachment: { inbox_id: true, message_id: true, attachment_id: true },
  create_draft: {
    inbox_id: true,
    message_id: true,
    reply_all: true,
    to: true,
    cc: true,
    bcc: true,
    subject: true,
    body: true,
    html_body: true,
    attachments: true,
  },
  update_draft: {
    inbox_id: true,
    draft_id: true,
    to: true,
    cc: true,
    bcc: true,
    subject: true,
    body: true,
    html_body: true,
    attachments: true,
  },
  delete_draft: { inbox_id: true, draft_id: true },
  send_draft: { inbox_id: true, draft_id: true, idempotency_key: true },
  get_send_status: { inbox_id: true, hold_id: true },
} as const satisfies { [T in ToolName]: { [P in keyof Required<ToolArgs[T]>]: true } };

// The smallest valid arguments for each tool, for checks that care about who may call it rather
// than about what it does. Sends go to the reserved .invalid domain (RFC 2606), which no mail can
// reach, in case a broken server sends what it should have refused.
import type { ToolName } from "@mcpemails/generated";

export const UNDELIVERABLE_ADDRESS = "conformance@mcpemails.invalid";

export function minimalArguments(tool: ToolName, inboxId: string, messageId: string): Record<string, unknown> {
  switch (tool) {
    case "list_inbox":
      return { inbox_id: inboxId, limit: 1 };
    case "read_email":
      return { inbox_id: inboxId, message_id: messageId };
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
      return { inbox_id: inboxId, message_id: messageId, body: "This reply should never have been sent." };
  }
}

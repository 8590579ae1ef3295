// Graph's message resource in the shapes of the tools' outputs. Lists are answered from the selected
// properties alone (no MIME): Graph has no size property in v1.0, so size_bytes is null there.
import type { Message, Recipient } from "@microsoft/microsoft-graph-types";
import type { Address, Folder, MessageSummary } from "@mcpemails/generated";
import { snippetOf } from "../../mail/parse.js";

/** The properties a summary needs, for $select. */
export const SUMMARY_SELECT = [
  "id",
  "conversationId",
  "internetMessageId",
  "parentFolderId",
  "from",
  "toRecipients",
  "ccRecipients",
  "subject",
  "bodyPreview",
  "sentDateTime",
  "receivedDateTime",
  "isRead",
  "hasAttachments",
].join(",");

/** What read_email needs beside the MIME source. */
export const READ_SELECT = ["id", "conversationId", "parentFolderId", "isRead", "receivedDateTime"].join(",");

/** The spec's folder names and Graph's well-known folder names. */
export const WELL_KNOWN: Record<Folder, string> = {
  INBOX: "inbox",
  SENT: "sentitems",
  DRAFTS: "drafts",
  TRASH: "deleteditems",
};

export function toAddress(recipient: Recipient | null | undefined): Address | null {
  const address = recipient?.emailAddress?.address;
  if (address === undefined || address === null || address === "") return null;
  const name = recipient?.emailAddress?.name?.trim() ?? "";
  return { name: name === "" || name === address ? null : name, address };
}

function toAddresses(recipients: NullableList): Address[] {
  return (recipients ?? []).map(toAddress).filter((entry): entry is Address => entry !== null);
}
type NullableList = Recipient[] | null | undefined;

export function toSummary(message: Message, folder: string): MessageSummary {
  return {
    id: message.id ?? "",
    thread_id: message.conversationId ?? null,
    rfc822_message_id: message.internetMessageId ?? null,
    folder,
    from: toAddress(message.from),
    to: toAddresses(message.toRecipients),
    cc: toAddresses(message.ccRecipients),
    subject: message.subject ?? "",
    snippet: snippetOf(message.bodyPreview ?? ""),
    date: new Date(message.sentDateTime ?? message.receivedDateTime ?? 0).toISOString(),
    unread: message.isRead === false,
    has_attachments: message.hasAttachments === true,
    size_bytes: null,
  };
}

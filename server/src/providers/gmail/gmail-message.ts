// A Gmail message as the tools show it. Listing reads format full (the MIME tree with headers and
// text bodies, labels, snippet, sizeEstimate): the tree goes back into a raw skeleton through the
// same parser as every message (mail/parse.ts), so names, encoded words, dates and attachments
// are read once, one way, and has_attachments in a list is what read_email says. (Format metadata
// has no MIME tree, and the top-level type alone misreads a single-part attachment or a
// multipart/mixed message without one.)
import type { Folder, MessageSummary } from "@mcpemails/generated";
import type { gmail_v1 } from "@googleapis/gmail";
import { parseMessage, snippetOf } from "../../mail/parse.js";
import { mimeSkeleton } from "./gmail-mime-skeleton.js";
import { FOLDER_LABELS } from "./gmail-query.js";

/** Gmail's name for mail in no folder: archived, with no label of the owner's. */
export const ARCHIVE_FOLDER = "All Mail";

const FOLDER_ORDER: readonly Folder[] = ["TRASH", "DRAFTS", "INBOX", "SENT"];

/** The first of TRASH, DRAFTS, INBOX, SENT the message is labelled with (among those asked for). */
export function standardFolderOf(
  labelIds: readonly string[],
  among: readonly Folder[] = FOLDER_ORDER,
): Folder | undefined {
  return FOLDER_ORDER.find((folder) => among.includes(folder) && labelIds.includes(FOLDER_LABELS[folder]));
}

// Labels that mark a message rather than file it (https://developers.google.com/workspace/gmail/api/guides/labels:
// the system labels), and CHAT: none is a folder list_folders gives.
const MARKS = new Set(["UNREAD", "STARRED", "IMPORTANT", "CHAT", "INBOX", "SENT", "DRAFT", "TRASH"]);

/** SPAM, or else the first of the owner's own labels: the list_folders id of a message in no standard folder. */
export function ownFolderOf(labelIds: readonly string[]): string | undefined {
  if (labelIds.includes("SPAM")) return "SPAM";
  return labelIds.filter((id) => !MARKS.has(id) && !id.startsWith("CATEGORY_")).sort()[0];
}

/** The folder a message is shown in: a standard one (among those asked for), its own label, or All Mail for none. */
export function folderOf(labelIds: readonly string[], among: readonly Folder[] = FOLDER_ORDER): string {
  return standardFolderOf(labelIds, among) ?? ownFolderOf(labelIds) ?? ARCHIVE_FOLDER;
}

export async function summaryOf(message: gmail_v1.Schema$Message, folder: string): Promise<MessageSummary> {
  const parsed = await parseMessage(mimeSkeleton(message.payload ?? {}), {
    includeHtml: false,
    includeAttachments: false,
  });
  return {
    id: message.id ?? "",
    thread_id: message.threadId ?? null,
    rfc822_message_id: parsed.rfc822_message_id,
    folder,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    subject: parsed.subject,
    snippet: snippetOf(decodeHtmlEntities(message.snippet ?? "")),
    date: parsed.date ?? receivedAt(message),
    unread: (message.labelIds ?? []).includes("UNREAD"),
    has_attachments: parsed.has_attachments,
    size_bytes: typeof message.sizeEstimate === "number" ? message.sizeEstimate : null,
  };
}

/** internalDate (epoch milliseconds, as a string) in ISO 8601. */
export function receivedAt(message: gmail_v1.Schema$Message): string {
  const millis = Number(message.internalDate ?? NaN);
  return new Date(Number.isFinite(millis) ? millis : 0).toISOString();
}

/**
 * Gmail's snippets are HTML-escaped text (&#39;, &amp;...). Hand-written: the entity decoders
 * installed here are other packages' dependencies, and snippets only carry these few forms.
 */
export function decodeHtmlEntities(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (entity, body: string) => {
    if (body.startsWith("#x") || body.startsWith("#X")) return safeCodePoint(parseInt(body.slice(2), 16), entity);
    if (body.startsWith("#")) return safeCodePoint(Number(body.slice(1)), entity);
    return named[body.toLowerCase()] ?? entity;
  });
}

function safeCodePoint(value: number, fallback: string): string {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : fallback;
}

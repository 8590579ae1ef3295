// A message as list_inbox and search_emails show it, from two FETCH commands for a whole page:
// first ENVELOPE (addresses, subject, date, Message-ID), BODYSTRUCTURE (attachments, and which part
// holds the text), FLAGS (unread), INTERNALDATE, RFC822.SIZE and the References header (thread);
// then the first bytes of each message's text part (BINARY.PEEK, so decoded by the server and
// nothing marked read) for the snippet. Whole messages are never downloaded for a listing, and
// mailparser (about a millisecond a message) runs only for the snippet of an HTML-only message.
import type { Address, MessageSummary } from "@mcpemails/generated";
import type {
  FetchMessageObject,
  FetchQueryObject,
  ImapFlow,
  MessageAddressObject,
  MessageStructureObject,
} from "imapflow";
import { parseMessage, snippetOf } from "../../mail/parse.js";
import { normalizeMessageId } from "../../mail/threading.js";
import { encodeMessageId, threadIdOf } from "./imap-message-id.js";

/** Bytes of the text part fetched for a snippet: 200 code points even of 4-byte characters, and some room for leading blank lines. */
export const SNIPPET_PART_BYTES = 2048;

export const SUMMARY_FETCH: FetchQueryObject = {
  uid: true,
  flags: true,
  envelope: true,
  bodyStructure: true,
  internalDate: true,
  size: true,
  headers: ["references"],
};

/** What a message's thread id and date are read from. */
export const THREAD_FETCH: FetchQueryObject = {
  uid: true,
  envelope: true,
  internalDate: true,
  headers: ["references"],
};

export interface FolderState {
  path: string;
  /** The folder as the output names it: INBOX, SENT, DRAFTS, TRASH or the real path. */
  name: string;
  uidValidity: bigint;
}

/** The summaries of a range of the selected folder (sequence numbers, or UIDs when byUid), highest UID first. */
export async function fetchSummaries(
  client: ImapFlow,
  range: string | number[],
  folder: FolderState,
  byUid: boolean,
): Promise<MessageSummary[]> {
  const messages = await client.fetchAll(range, SUMMARY_FETCH, { uid: byUid });
  messages.sort((a, b) => b.uid - a.uid);
  const parts = new Map<number, TextPart>();
  for (const message of messages) {
    const part = message.bodyStructure === undefined ? undefined : textPartOf(message.bodyStructure);
    if (part) parts.set(message.uid, part);
  }
  const starts = await fetchPartStarts(client, parts);
  return Promise.all(
    messages.map(async (message) =>
      toSummary(message, folder, await snippetFrom(parts.get(message.uid), starts.get(message.uid))),
    ),
  );
}

interface TextPart {
  /** The part number as FETCH addresses it ("1" for a message that is not multipart). */
  part: string;
  html: boolean;
  charset: string;
  encoding: string;
}

/** The part a reader shows as the text: the first text/plain that is not an attachment, else the first such text/html. */
export function textPartOf(structure: MessageStructureObject): TextPart | undefined {
  const leaves: MessageStructureObject[] = [];
  const walk = (node: MessageStructureObject) => {
    if (node.type.toLowerCase().startsWith("multipart/")) (node.childNodes ?? []).forEach(walk);
    else leaves.push(node);
  };
  walk(structure);
  const body = (type: string) =>
    leaves.find((leaf) => leaf.type.toLowerCase() === type && leaf.disposition?.toLowerCase() !== "attachment");
  const found = body("text/plain") ?? body("text/html");
  if (found === undefined) return undefined;
  return {
    part: found.part ?? "1",
    html: found.type.toLowerCase() === "text/html",
    charset: found.parameters?.charset ?? "utf-8",
    encoding: (found.encoding ?? "7bit").toLowerCase(),
  };
}

/** The first SNIPPET_PART_BYTES of each message's text part: one FETCH per distinct part number (most pages need one or two). */
async function fetchPartStarts(
  client: ImapFlow,
  parts: ReadonlyMap<number, TextPart>,
): Promise<Map<number, { bytes: Buffer; decoded: boolean }>> {
  const byPart = new Map<string, number[]>();
  for (const [uid, part] of parts) byPart.set(part.part, [...(byPart.get(part.part) ?? []), uid]);
  const starts = new Map<number, { bytes: Buffer; decoded: boolean }>();
  for (const [part, uids] of byPart) {
    // binary: BINARY.PEEK where the server has it (RFC 3516), which undoes base64 and quoted-printable on the server.
    const fetched: FetchMessageObject[] = await client.fetchAll(
      uids,
      { uid: true, bodyParts: [{ key: part, start: 0, maxLength: SNIPPET_PART_BYTES }] },
      { uid: true, binary: true },
    );
    for (const message of fetched) {
      const bytes = message.bodyParts?.get(part) ?? message.bodyParts?.get(part.toLowerCase());
      if (bytes) starts.set(message.uid, { bytes, decoded: message.binaryParts?.has(part) ?? false });
    }
  }
  return starts;
}

async function snippetFrom(
  part: TextPart | undefined,
  start: { bytes: Buffer; decoded: boolean } | undefined,
): Promise<string> {
  if (part === undefined || start === undefined) return "";
  const bytes = start.decoded ? start.bytes : undoTransferEncoding(start.bytes, part.encoding);
  const text = decodeCharset(bytes, part.charset).replace(/\uFFFD+$/u, "");
  if (!part.html) return snippetOf(text);
  // The text of HTML as read_email derives it (mailparser), from the start of the HTML part.
  const alone = Buffer.from(
    `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}`,
    "utf8",
  );
  return (await parseMessage(alone, { includeHtml: false, includeAttachments: false })).snippet;
}

/**
 * For servers without BINARY: the start of a base64 or quoted-printable part, decoded up to the last
 * whole unit (a cut may leave half a base64 quantum or half an "=XX"). Hand-written because the
 * decoders that ship with mailparser are not the server's dependencies and Node has no QP decoder.
 */
export function undoTransferEncoding(bytes: Buffer, encoding: string): Buffer {
  if (encoding === "base64") {
    const clean = bytes.toString("latin1").replace(/[^A-Za-z0-9+/]/gu, "");
    return Buffer.from(clean.slice(0, clean.length - (clean.length % 4)), "base64");
  }
  if (encoding === "quoted-printable") {
    const text = bytes
      .toString("latin1")
      .replace(/=[0-9A-Fa-f]?$/u, "")
      .replace(/=\r?\n/gu, "");
    return Buffer.from(
      text.replace(/=([0-9A-Fa-f]{2})/gu, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    );
  }
  return bytes;
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    // A charset Node does not know: UTF-8 shows ASCII right and marks the rest.
    return new TextDecoder("utf-8").decode(bytes);
  }
}

export function toSummary(message: FetchMessageObject, folder: FolderState, snippet: string): MessageSummary {
  const envelope = message.envelope ?? {};
  const rfc822MessageId = envelope.messageId === undefined ? null : normalizeMessageId(envelope.messageId);
  return {
    id: encodeMessageId({ path: folder.path, uidValidity: folder.uidValidity, uid: message.uid }),
    thread_id: threadOfFetched(message),
    rfc822_message_id: rfc822MessageId,
    folder: folder.name,
    from: toAddresses(envelope.from)[0] ?? null,
    to: toAddresses(envelope.to),
    cc: toAddresses(envelope.cc),
    subject: envelope.subject ?? "",
    snippet,
    date: sentDate(envelope.date, message.internalDate),
    unread: !(message.flags?.has("\\Seen") ?? false),
    has_attachments: message.bodyStructure === undefined ? false : hasAttachments(message.bodyStructure),
    size_bytes: message.size ?? null,
  };
}

/** The thread id of a message fetched with its ENVELOPE and References header (THREAD_FETCH). */
export function threadOfFetched(message: FetchMessageObject): string | null {
  const envelope = message.envelope ?? {};
  return threadIdOf({
    references: referencesOf(message.headers),
    inReplyTo: envelope.inReplyTo === undefined ? null : firstMessageId(envelope.inReplyTo),
    messageId: envelope.messageId === undefined ? null : normalizeMessageId(envelope.messageId),
  });
}

/** The Message-IDs of a fetched References header (folded lines joined), oldest first. */
function referencesOf(headers: Buffer | undefined): string[] {
  if (headers === undefined) return [];
  const unfolded = headers.toString("latin1").replace(/\r?\n[ \t]+/gu, " ");
  const line = /^references:(.*)$/imu.exec(unfolded)?.[1] ?? "";
  return [...line.matchAll(/<[^<>\s]+>/gu)].map((match) => match[0]);
}

/** The Date header, else the time the server received the message, in ISO 8601 UTC. */
export function sentDate(header: Date | string | undefined, received: Date | string | undefined): string {
  for (const candidate of [header, received]) {
    if (candidate === undefined) continue;
    const date = candidate instanceof Date ? candidate : new Date(candidate);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  return new Date(0).toISOString();
}

function toAddresses(list: MessageAddressObject[] | undefined): Address[] {
  return (list ?? [])
    .filter((entry) => typeof entry.address === "string" && entry.address !== "")
    .map((entry) => ({
      name: entry.name === undefined || entry.name.trim() === "" ? null : entry.name.trim(),
      address: entry.address ?? "",
    }));
}

function firstMessageId(header: string): string | null {
  const bracketed = /<[^<>\s]+>/u.exec(header);
  return bracketed === null ? normalizeMessageId(header) : bracketed[0];
}

/**
 * The BODYSTRUCTURE's answer to read_email's has_attachments (mailparser's attachments minus the
 * inline ones): a part marked attachment, or a part that is neither the text nor the HTML body,
 * unless it sits in a multipart/related (an image the HTML shows) or is marked inline with a
 * Content-ID. A forwarded message (message/rfc822) counts as one attachment.
 */
export function hasAttachments(structure: MessageStructureObject, inRelated = false): boolean {
  const type = structure.type.toLowerCase();
  if (type.startsWith("multipart/")) {
    const related = inRelated || type === "multipart/related";
    return (structure.childNodes ?? []).some((child) => hasAttachments(child, related));
  }
  const disposition = structure.disposition?.toLowerCase();
  if (disposition === "attachment") return true;
  if (type === "text/plain" || type === "text/html") return false;
  if (inRelated) return false;
  return !(disposition === "inline" && structure.id !== undefined);
}

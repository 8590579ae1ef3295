// How a sandbox message lives in the store: its raw RFC 5322 source (what read_email parses),
// beside the summary fields that list_inbox and search_emails need, so that neither parses every
// message. The summary is taken from the source by the same parser, once, when it is stored.
import type { Address, MessageSummary } from "@mcpemails/generated";
import { parseMessage } from "../../mail/parse.js";
import type { SearchableMessage } from "@mcpemails/generated";
import type { SandboxMessage, Store } from "../../store/store.js";

/** The store methods a sandbox inbox uses. */
export type SandboxMailbox = Pick<
  Store,
  | "putSandboxMessages"
  | "listSandboxMessages"
  | "listSandboxSummaries"
  | "pageSandboxSummaries"
  | "getSandboxMessage"
  | "deleteSandboxMessages"
>;

/** SandboxMessage.data of a sandbox message. */
export interface SandboxMessageData {
  raw: string;
  thread_id: string;
  rfc822_message_id: string | null;
  from: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  snippet: string;
  has_attachments: boolean;
  size_bytes: number;
  /** The text body (as read_email gives it), for word and phrase search. */
  body_text: string;
}

/** SandboxMessage.data as Store.listSandboxSummaries gives it: without the source and the body. */
export type SandboxSummaryData = Omit<SandboxMessageData, "raw" | "body_text">;

/** A stored message whose data has been checked. */
export interface SandboxEntry {
  message: SandboxMessage;
  data: SandboxMessageData;
}

/** A listed message whose summary data has been checked. */
export interface SandboxSummaryEntry {
  message: SandboxMessage;
  data: SandboxSummaryData;
}

/** Where a message is filed. */
export interface SandboxPlacement {
  inboxId: string;
  id: string;
  folder: string;
  unread: boolean;
  threadId: string;
}

/** What the source of a message says, for any number of copies of it. */
export interface SourceSummary {
  data: Omit<SandboxMessageData, "thread_id">;
  /** The Date header, else the time received; ISO 8601 UTC. */
  date: string;
}

/** Parses the source once and keeps what listing and searching need beside it. */
export async function summarizeSource(raw: string, receivedAt: Date): Promise<SourceSummary> {
  const parsed = await parseMessage(raw, { includeHtml: false, includeAttachments: false });
  return {
    data: {
      raw,
      rfc822_message_id: parsed.rfc822_message_id,
      from: parsed.from,
      to: parsed.to,
      cc: parsed.cc,
      subject: parsed.subject,
      snippet: parsed.snippet,
      has_attachments: parsed.has_attachments,
      size_bytes: parsed.size_bytes ?? Buffer.byteLength(raw, "utf8"),
      body_text: parsed.body_text,
    },
    date: parsed.date ?? receivedAt.toISOString(),
  };
}

export function placeMessage(source: SourceSummary, placement: SandboxPlacement): SandboxMessage {
  const data: SandboxMessageData = { ...source.data, thread_id: placement.threadId };
  return {
    inboxId: placement.inboxId,
    id: placement.id,
    folder: placement.folder,
    date: source.date,
    unread: placement.unread,
    data,
  };
}

export async function buildSandboxMessage(
  input: SandboxPlacement & { raw: string; receivedAt: Date },
): Promise<SandboxMessage> {
  return placeMessage(await summarizeSource(input.raw, input.receivedAt), input);
}

/** The message with its data checked, or undefined when the data is not a sandbox message's. */
export function readSandboxEntry(message: SandboxMessage): SandboxEntry | undefined {
  return isSandboxMessageData(message.data) ? { message, data: message.data } : undefined;
}

/** The listed message with its summary data checked, or undefined when it is not a sandbox message's. */
export function readSandboxSummaryEntry(message: SandboxMessage): SandboxSummaryEntry | undefined {
  return isSandboxSummaryData(message.data) ? { message, data: message.data } : undefined;
}

function isSandboxMessageData(data: unknown): data is SandboxMessageData {
  if (!isSandboxSummaryData(data)) return false;
  const record = data as unknown as Record<string, unknown>;
  return typeof record.raw === "string" && typeof record.body_text === "string";
}

function isSandboxSummaryData(data: unknown): data is SandboxSummaryData {
  if (typeof data !== "object" || data === null) return false;
  const record = data as Record<string, unknown>;
  return (
    typeof record.thread_id === "string" &&
    (record.rfc822_message_id === null || typeof record.rfc822_message_id === "string") &&
    (record.from === null || isAddress(record.from)) &&
    Array.isArray(record.to) &&
    record.to.every(isAddress) &&
    Array.isArray(record.cc) &&
    record.cc.every(isAddress) &&
    typeof record.subject === "string" &&
    typeof record.snippet === "string" &&
    typeof record.has_attachments === "boolean" &&
    typeof record.size_bytes === "number"
  );
}

function isAddress(value: unknown): value is Address {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.address === "string" && (record.name === null || typeof record.name === "string");
}

export function toSummary({ message, data }: SandboxSummaryEntry): MessageSummary {
  return {
    id: message.id,
    thread_id: data.thread_id,
    rfc822_message_id: data.rfc822_message_id,
    folder: message.folder,
    from: data.from,
    to: data.to,
    cc: data.cc,
    subject: data.subject,
    snippet: data.snippet,
    date: message.date,
    unread: message.unread,
    has_attachments: data.has_attachments,
    size_bytes: data.size_bytes,
  };
}

export function toSearchable(entry: SandboxEntry): SearchableMessage {
  return searchable(entry, entry.data.body_text);
}

/** A listed message for a query that never looks at the body (see queryReadsBody): its body is left empty. */
export function toSearchableWithoutBody(entry: SandboxSummaryEntry): SearchableMessage {
  return searchable(entry, "");
}

function searchable({ message, data }: SandboxSummaryEntry, body: string): SearchableMessage {
  return {
    from: data.from,
    to: data.to,
    cc: data.cc,
    subject: data.subject,
    body,
    date: message.date,
    unread: message.unread,
    has_attachments: data.has_attachments,
  };
}

/**
 * Newest first; a date that does not parse last; the id (ascending) breaks ties, so that pages of
 * the same listing never overlap or skip. The store pages list_inbox from its index in this same
 * order (store/listing-order.ts), so that a search and a listing agree.
 */
export function newestFirst(a: SandboxSummaryEntry, b: SandboxSummaryEntry): number {
  return compareNewestFirst(timeOf(a.message.date), a.message.id, timeOf(b.message.date), b.message.id);
}

/** A sorted copy in the order of newestFirst, parsing each date once rather than at every comparison. */
export function sortedNewestFirst<T extends SandboxSummaryEntry>(entries: readonly T[]): T[] {
  const keyed = entries.map((entry) => ({ entry, time: timeOf(entry.message.date) }));
  keyed.sort((a, b) => compareNewestFirst(a.time, a.entry.message.id, b.time, b.entry.message.id));
  return keyed.map(({ entry }) => entry);
}

function timeOf(date: string): number | null {
  const time = Date.parse(date);
  return Number.isNaN(time) ? null : time;
}

function compareNewestFirst(timeA: number | null, idA: string, timeB: number | null, idB: string): number {
  if (timeA !== timeB) {
    if (timeA === null) return 1;
    if (timeB === null) return -1;
    return timeB - timeA;
  }
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

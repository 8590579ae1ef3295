// Raw RFC 5322 source -> the fields of read_email's output, through mailparser's simpleParser,
// once per read: addresses, threading headers, the text body (mailparser derives it from the HTML
// when there is no text part), the sanitized HTML on request, attachment metadata, and attachment
// data on request within the read cap. Bodies are cut at the output schema's lengths.
import { Readable } from "node:stream";
import type * as Mailparser from "mailparser";
import type { AddressObject, Attachment as ParsedAttachment, EmailAddress } from "mailparser";
import { LIMITS, type Address, type Attachment, type ReadEmailArgs, type ReadEmailOutput } from "@mcpemails/generated";
import { toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import { safeFilename } from "./filenames.js";
import { htmlDeadline, htmlMarkdownBounded, htmlTextBounded, sanitizeBounded } from "./html-off-thread.js";
import { withoutQuotedText } from "./quoted-text.js";
import { normalizeMessageId } from "./threading.js";

const READ_OUTPUT = toolOutputSchemas.read_email.properties;
/** Lengths in Unicode code points, as JSON Schema counts them. */
export const BODY_TEXT_MAX_LENGTH = READ_OUTPUT.body_text.maxLength;
export const BODY_HTML_MAX_LENGTH = READ_OUTPUT.body_html.anyOf[0].maxLength;
export const SNIPPET_MAX_LENGTH = READ_OUTPUT.snippet.maxLength;

export interface ParseOptions {
  includeHtml: boolean;
  includeAttachments: boolean;
  /** Decoded bytes of attachment data one read may return; later attachments get data null. */
  attachmentDataCapBytes?: number;
  /** How body_text is written (text unless said). */
  bodyFormat?: ReadEmailArgs["body_format"];
  /** Leave the quoted earlier messages out of body_text. */
  stripQuoted?: boolean;
}

/** What read_email's arguments ask of the parse. */
export function readOptions(args: ReadEmailArgs): ParseOptions {
  return {
    includeHtml: args.include_html,
    includeAttachments: args.include_attachments,
    bodyFormat: args.body_format,
    stripQuoted: args.strip_quoted,
  };
}

/** Everything read_email returns that the source itself says; the provider adds id, thread, folder and flags. */
export type ParsedMessage = Omit<ReadEmailOutput, "id" | "thread_id" | "folder" | "unread" | "date"> & {
  /** The Date header in ISO 8601 UTC, or null when it is missing or unreadable (the provider then uses the time received). */
  date: string | null;
};

// skipHtmlToText: the text of an HTML-only message is derived off the event loop (htmlTextBounded).
const PARSER_OPTIONS = { keepCidLinks: true, skipTextToHtml: true, skipTextLinks: true, skipHtmlToText: true };

// mailparser and what it loads cost about 30 MB: a server that reads no message never loads it.
let mailparser: Promise<typeof Mailparser> | undefined;

/** mailparser's view of the source, read in slices. */
export async function simpleParse(raw: string | Buffer): Promise<Mailparser.ParsedMail> {
  const { simpleParser } = await (mailparser ??= import("mailparser"));
  return simpleParser(inSlices(raw), PARSER_OPTIONS);
}

export async function parseMessage(raw: string | Buffer, options: ParseOptions): Promise<ParsedMessage> {
  const parsed = await simpleParse(raw);
  const html = typeof parsed.html === "string" ? parsed.html : null;
  const deadline = htmlDeadline();
  const derived = await textOf(parsed.text, html, deadline);
  const formatted = await formattedBody(parsed.text, html, derived, options, deadline);
  const cut = truncateCodePoints(formatted.text, BODY_TEXT_MAX_LENGTH);
  const body = { text: cut.text, truncated: cut.truncated || !formatted.complete };
  const text = derived.text;
  const attachments = describeAttachments(parsed.attachments, html, options);
  const date = parsed.date !== undefined && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null;
  return {
    rfc822_message_id: parsed.messageId === undefined ? null : normalizeMessageId(parsed.messageId),
    from: addresses(parsed.from)[0] ?? null,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    bcc: addresses(parsed.bcc),
    reply_to: addresses(parsed.replyTo),
    subject: parsed.subject ?? "",
    snippet: snippetOf(text),
    date,
    has_attachments: attachments.some((attachment) => !attachment.inline),
    size_bytes: typeof raw === "string" ? Buffer.byteLength(raw, "utf8") : raw.length,
    in_reply_to: firstMessageId(parsed.inReplyTo),
    references: [parsed.references ?? []]
      .flat()
      .map(normalizeMessageId)
      .filter((id): id is string => id !== null),
    body_text: body.text,
    body_truncated: body.truncated,
    ...(options.includeHtml ? await htmlBody(html, deadline) : {}),
    attachments,
  };
}

/**
 * The text body: the message's text part, or else the text of its HTML (mailparser left that out,
 * skipHtmlToText), derived within the bounds of html-off-thread.ts.
 */
async function textOf(
  textPart: string | undefined,
  html: string | null,
  deadline: number,
): Promise<{ text: string; complete: boolean }> {
  if ((textPart !== undefined && textPart.trim() !== "") || html === null)
    return { text: textPart ?? "", complete: true };
  const derived = await htmlTextBounded(html, deadline);
  return { text: derived.value, complete: derived.complete };
}

/**
 * body_text as asked: the plain text as derived (the snippet's source too), or Markdown of the HTML
 * (the text part when there is no HTML), without the quoted earlier messages on request.
 */
async function formattedBody(
  textPart: string | undefined,
  html: string | null,
  derived: { text: string; complete: boolean },
  options: ParseOptions,
  deadline: number,
): Promise<{ text: string; complete: boolean }> {
  const stripQuoted = options.stripQuoted === true;
  if (options.bodyFormat === "markdown" && html !== null) {
    const markdown = await htmlMarkdownBounded(html, deadline, stripQuoted);
    return { text: markdown.value, complete: markdown.complete };
  }
  if (!stripQuoted) return derived;
  if ((textPart !== undefined && textPart.trim() !== "") || html === null)
    return { text: withoutQuotedText(derived.text), complete: derived.complete };
  const stripped = await htmlTextBounded(html, deadline, true);
  return { text: stripped.value, complete: stripped.complete };
}

async function htmlBody(
  html: string | null,
  deadline: number,
): Promise<Pick<ReadEmailOutput, "body_html" | "body_html_truncated">> {
  if (html === null) return { body_html: null, body_html_truncated: false };
  const sanitized = await sanitizeBounded(html, deadline);
  const cut = truncateHtml(sanitized.value, BODY_HTML_MAX_LENGTH);
  return { body_html: cut.text, body_html_truncated: cut.truncated || !sanitized.complete };
}

export function describeAttachments(
  parts: readonly ParsedAttachment[],
  html: string | null,
  options: ParseOptions,
): Attachment[] {
  const cap = options.attachmentDataCapBytes ?? LIMITS.read_attachments_max_total_bytes;
  let returnedBytes = 0;
  let capReached = false;
  return parts.map((part, index) => {
    const size = part.content.length;
    const attachment: Attachment = {
      // The MIME part number ("2", "1.2.2"), stable for a given source and the same id IMAP uses.
      attachment_id: part.partId ?? String(index + 1),
      filename: part.filename === undefined ? null : safeFilename(part.filename),
      mime_type: part.contentType,
      size_bytes: size,
      inline: part.related === true || (part.cid !== undefined && html !== null && html.includes(`cid:${part.cid}`)),
      // Without angle brackets: the form HTML refers to it by (src="cid:...").
      content_id: part.cid ?? null,
    };
    if (!options.includeAttachments) return attachment;
    // In order: once one attachment does not fit, it and every later one come without data.
    capReached ||= returnedBytes + size > cap;
    if (capReached) return { ...attachment, data: null };
    returnedBytes += size;
    return { ...attachment, data: part.content.toString("base64") };
  });
}

/** Bytes mailparser takes at a time; between two slices the event loop serves other requests. */
const PARSE_SLICE_BYTES = 256 * 1024;

/**
 * The source as a stream of slices with a turn of the event loop between them: given whole, a
 * 25 MB source was split into lines in one go, holding the event loop 250 ms.
 */
function inSlices(raw: string | Buffer): Readable {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  if (bytes.length <= PARSE_SLICE_BYTES) return Readable.from([bytes]);
  return Readable.from(
    (async function* () {
      for (let start = 0; start < bytes.length; start += PARSE_SLICE_BYTES) {
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        yield bytes.subarray(start, start + PARSE_SLICE_BYTES);
      }
    })(),
  );
}

/** mailparser's address field as the spec's addresses: groups flattened, entries without an address left out. */
export function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  if (field === undefined) return [];
  const flatten = (entry: EmailAddress): EmailAddress[] =>
    entry.group === undefined ? [entry] : entry.group.flatMap(flatten);
  return [field]
    .flat()
    .flatMap((object) => object.value.flatMap(flatten))
    .filter((entry) => entry.address !== undefined && entry.address !== "")
    .map((entry) => ({ name: entry.name.trim() === "" ? null : entry.name.trim(), address: entry.address ?? "" }));
}

function firstMessageId(header: string | undefined): string | null {
  if (header === undefined) return null;
  const bracketed = /<[^<>\s]+>/u.exec(header);
  return bracketed === null ? normalizeMessageId(header) : bracketed[0];
}

/** The start of the text body with its whitespace collapsed, at most SNIPPET_MAX_LENGTH code points. */
export function snippetOf(text: string): string {
  return truncateCodePoints(text.replace(/\s+/gu, " ").trim(), SNIPPET_MAX_LENGTH).text.trimEnd();
}

/** Cuts at a code point boundary, never inside a surrogate pair. */
export function truncateCodePoints(text: string, maxCodePoints: number): { text: string; truncated: boolean } {
  // A string of at most max UTF-16 units has at most max code points: the common case costs nothing.
  if (text.length <= maxCodePoints) return { text, truncated: false };
  let units = 0;
  let count = 0;
  for (const codePoint of text) {
    if (count === maxCodePoints) return { text: text.slice(0, units), truncated: true };
    units += codePoint.length;
    count++;
  }
  return { text, truncated: false };
}

/**
 * Cuts sanitized HTML at the limit without leaving half a tag or half a character reference at
 * the end (an unclosed element is harmless: HTML closes it). Hand-written because sanitize-html
 * cannot cut to a length, and re-sanitizing the cut text could add closing tags and pass it.
 */
export function truncateHtml(html: string, maxCodePoints: number): { text: string; truncated: boolean } {
  const cut = truncateCodePoints(html, maxCodePoints);
  if (!cut.truncated) return cut;
  let text = cut.text;
  const openTag = text.lastIndexOf("<");
  if (openTag > text.lastIndexOf(">")) text = text.slice(0, openTag);
  const reference = text.lastIndexOf("&");
  if (reference > text.lastIndexOf(";") && reference > text.lastIndexOf(">")) text = text.slice(0, reference);
  return { text, truncated: true };
}

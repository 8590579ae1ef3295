// Builds the raw RFC 5322 message of a send or a reply with nodemailer's MailComposer: MIME
// structure, encoded words, folding and header encoding are the library's, never hand-built.
// nodemailer already turns line breaks in header values into spaces or encodes them; names and the
// subject are also made single-line here so that what is stored and shown is what was meant.

import type MailComposer from "nodemailer/lib/mail-composer";
import type { Address, AttachmentInput } from "@mcpemails/generated";
import { normalizeMessageId } from "./threading.js";
import { safeFilename } from "./filenames.js";

export interface ComposeAttachment {
  filename: string;
  contentType: string;
  /** The bytes, or base64 text as tools receive it (decoded once, by the composer). */
  content: Buffer | { base64: string };
  /** Content-ID without angle brackets: an image the HTML shows with src="cid:...". */
  contentId?: string | undefined;
}

export interface ComposeInput {
  from: Address;
  to: readonly Address[];
  cc?: readonly Address[] | undefined;
  bcc?: readonly Address[] | undefined;
  replyTo?: Address | null | undefined;
  subject: string;
  /** Absent for an HTML-only message (then readers derive the text from the HTML). */
  text?: string | undefined;
  /** Sent as given (the spec says so); readers sanitize. */
  html?: string | undefined;
  attachments?: readonly ComposeAttachment[] | undefined;
  /** With or without angle brackets. */
  messageId: string;
  date: Date;
  inReplyTo?: string | null | undefined;
  references?: readonly string[] | undefined;
}

export interface ComposedMessage {
  /** The message as recipients get it: no Bcc header. */
  raw: string;
  /** The sender's own copy (Sent): with the Bcc header, so that read_email can show who was blind-copied. */
  rawWithBcc: string;
  /** The Message-ID header given to the message, in angle brackets. */
  messageId: string;
}

// nodemailer's composer is loaded by the first message composed, not at start.
let mailComposer: Promise<{ default: typeof MailComposer }> | undefined;

export async function composeMessage(input: ComposeInput): Promise<ComposedMessage> {
  const messageId = normalizeMessageId(input.messageId);
  if (messageId === null) throw new Error(`composeMessage: ${JSON.stringify(input.messageId)} cannot be a Message-ID`);
  const inReplyTo =
    input.inReplyTo === null || input.inReplyTo === undefined ? null : normalizeMessageId(input.inReplyTo);
  const references = (input.references ?? []).map(normalizeMessageId).filter((id): id is string => id !== null);
  const { default: Composer } = await (mailComposer ??= import("nodemailer/lib/mail-composer"));
  const composer = new Composer({
    from: mailbox(input.from),
    to: (input.to ?? []).map(mailbox),
    cc: (input.cc ?? []).map(mailbox),
    bcc: (input.bcc ?? []).map(mailbox),
    ...(input.replyTo ? { replyTo: mailbox(input.replyTo) } : {}),
    subject: singleLine(input.subject),
    ...(input.text === undefined ? {} : { text: input.text }),
    ...(input.html === undefined ? {} : { html: input.html }),
    attachments: (input.attachments ?? []).map((attachment) => ({
      filename: safeFilename(attachment.filename),
      contentType: attachment.contentType,
      ...(Buffer.isBuffer(attachment.content)
        ? { content: attachment.content }
        : { content: attachment.content.base64, encoding: "base64" }),
      ...(attachment.contentId === undefined ? {} : { cid: attachment.contentId, contentDisposition: "inline" }),
    })),
    messageId,
    date: input.date,
    ...(inReplyTo === null ? {} : { inReplyTo }),
    ...(references.length === 0 ? {} : { references }),
    // Nothing in a message may make the composer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const root = composer.compile();
  const raw = (await root.build()).toString("utf8");
  if ((input.bcc ?? []).length === 0) return { raw, rawWithBcc: raw, messageId };
  root.keepBcc = true;
  const rawWithBcc = (await root.build()).toString("utf8");
  return { raw, rawWithBcc, messageId };
}

/** Tool attachments as the composer takes them; the base64 stays undecoded until the composer needs it. */
export function attachmentsFromInput(attachments: readonly AttachmentInput[]): ComposeAttachment[] {
  return attachments.map((attachment) => ({
    filename: attachment.filename,
    contentType: attachment.mime_type,
    content: { base64: attachment.data },
  }));
}

function mailbox(address: Address): { name: string; address: string } {
  return { name: singleLine(address.name ?? ""), address: address.address };
}

function singleLine(text: string): string {
  return text.replace(/\p{Cc}+/gu, " ");
}

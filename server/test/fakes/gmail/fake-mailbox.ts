// The state of the fake Gmail: mailboxes of messages with their raw source, system labels and
// threads, and what sending does to them. It follows Gmail's documented behaviour where the
// provider depends on it:
// - a sent message gets SENT (never UNREAD) in the sender's mailbox; a copy is delivered with
//   INBOX and UNREAD to every mailbox the fake hosts among To, Cc and Bcc (Bcc stripped from it);
//   a message to oneself is one message with SENT, INBOX and UNREAD;
// - a sent message keeps the threadId it names only when that thread exists, its In-Reply-To or
//   References name a message of the thread, and the subjects match once Re:/Fwd: prefixes are
//   removed; otherwise it starts a thread of its own. A delivered copy joins the recipient's thread
//   of the message it answers under the same rule;
// - internalDate is the Date header for seeded messages (as messages.import with
//   internalDateSource dateHeader) and the send time for sent ones; lists are newest first by it;
// - a mailbox sends at most DAILY_SENDING_LIMIT messages in a rolling 24 hours.
// Hand-written by necessity: no maintained Gmail emulator exists.
import { simpleParser } from "mailparser";
import { snippetOf } from "../../../src/mail/parse.js";
import { normalizeMessageId } from "../../../src/mail/threading.js";

export interface FakeAddress {
  name: string;
  address: string;
}

export interface FakeMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  internalDate: number;
  /** Header lines unfolded, values as written in the source (Gmail returns them so). */
  headers: { name: string; value: string }[];
  mimeType: string;
  subject: string;
  from: FakeAddress[];
  to: FakeAddress[];
  cc: FakeAddress[];
  bcc: FakeAddress[];
  /** The plain-text body, for word search. */
  text: string;
  /** As Gmail gives it: the start of the text, HTML-escaped. */
  snippet: string;
  hasAttachment: boolean;
  messageId: string | null;
  /** In-Reply-To and References, the Message-IDs this message answers. */
  answers: string[];
}

export interface Mailbox {
  address: string;
  messages: Map<string, FakeMessage>;
  /** Messages it may send in a rolling 24 hours (a test lowers it). */
  sendingLimit: number;
  /** When it sent each message, oldest first. */
  sentAt: number[];
}

/** A Google Workspace user's daily sending limit (https://support.google.com/a/answer/166852): 2,000 messages in a rolling 24 hours. */
export const DAILY_SENDING_LIMIT = 2000;
const DAY_MS = 86_400_000;

export const SYSTEM_LABELS = ["INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT"] as const;

export class FakeMailboxes {
  private readonly mailboxes = new Map<string, Mailbox>();
  private counter = 0;

  constructor(private readonly now: () => number) {}

  addMailbox(address: string): Mailbox {
    const key = address.toLowerCase();
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    const mailbox: Mailbox = { address, messages: new Map(), sendingLimit: DAILY_SENDING_LIMIT, sentAt: [] };
    this.mailboxes.set(key, mailbox);
    return mailbox;
  }

  mailbox(address: string): Mailbox | undefined {
    return this.mailboxes.get(address.toLowerCase());
  }

  /** A message put straight into a mailbox (as messages.insert/import would), for seeding tests. */
  async insert(
    address: string,
    raw: string | Buffer,
    options: { labelIds: readonly string[]; threadId?: string },
  ): Promise<FakeMessage> {
    const mailbox = this.requireMailbox(address);
    const message = await this.describe(Buffer.from(raw), new Set(options.labelIds), null);
    message.threadId = options.threadId ?? this.threadFor(mailbox, message) ?? message.id;
    mailbox.messages.set(message.id, message);
    return message;
  }

  /** When the mailbox may send again, if it sent its limit in the last 24 hours; undefined when it may send now. */
  sendingBlockedUntil(mailbox: Mailbox): number | undefined {
    const now = this.now();
    const recent = mailbox.sentAt.filter((time) => time > now - DAY_MS);
    if (recent.length < mailbox.sendingLimit) return undefined;
    return (recent[recent.length - mailbox.sendingLimit] ?? now) + DAY_MS;
  }

  /** What messages.send does: the sender's copy in SENT, and a delivered copy in every hosted recipient's INBOX. */
  async send(address: string, raw: Buffer, requestedThreadId: string | null): Promise<FakeMessage> {
    const mailbox = this.requireMailbox(address);
    const sentAt = this.now();
    const sent = await this.describe(raw, new Set(["SENT"]), sentAt);
    const requested = requestedThreadId === null ? undefined : this.threadFor(mailbox, sent, requestedThreadId);
    sent.threadId = requested ?? sent.id;
    const recipients = new Set([...sent.to, ...sent.cc, ...sent.bcc].map((entry) => entry.address.toLowerCase()));
    if (recipients.has(mailbox.address.toLowerCase())) {
      sent.labelIds.add("INBOX");
      sent.labelIds.add("UNREAD");
    }
    mailbox.messages.set(sent.id, sent);
    mailbox.sentAt.push(sentAt);
    const delivered = withoutBcc(raw);
    for (const recipient of recipients) {
      const target = this.mailboxes.get(recipient);
      if (target === undefined || target === mailbox) continue;
      const copy = await this.describe(delivered, new Set(["INBOX", "UNREAD"]), sentAt);
      copy.threadId = this.threadFor(target, copy) ?? copy.id;
      target.messages.set(copy.id, copy);
    }
    return sent;
  }

  private requireMailbox(address: string): Mailbox {
    const mailbox = this.mailbox(address);
    if (mailbox === undefined) throw new Error(`the fake Gmail hosts no mailbox ${address}`);
    return mailbox;
  }

  /**
   * The thread this message joins: the thread (the requested one, if named) of a message it
   * answers whose subject matches; undefined for a thread of its own.
   */
  private threadFor(mailbox: Mailbox, message: FakeMessage, requested?: string): string | undefined {
    if (message.answers.length === 0) return undefined;
    const subject = baseSubject(message.subject);
    for (const candidate of mailbox.messages.values()) {
      if (requested !== undefined && candidate.threadId !== requested) continue;
      if (
        candidate.messageId !== null &&
        message.answers.includes(candidate.messageId) &&
        baseSubject(candidate.subject) === subject
      )
        return candidate.threadId;
    }
    return undefined;
  }

  private async describe(raw: Buffer, labelIds: Set<string>, internalDate: number | null): Promise<FakeMessage> {
    const parsed = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipTextLinks: true });
    const id = (0x18f0000000000000n + BigInt(++this.counter)).toString(16);
    const addresses = (field: typeof parsed.from | typeof parsed.to): FakeAddress[] =>
      [field ?? []]
        .flat()
        .flatMap((object) => object.value.map((entry) => ({ name: entry.name, address: entry.address ?? "" })));
    const text = parsed.text ?? "";
    const messageId = parsed.messageId === undefined ? null : normalizeMessageId(parsed.messageId);
    const answers = [parsed.inReplyTo ?? "", ...[parsed.references ?? []].flat()]
      .flatMap((value) => value.split(/\s+/u))
      .map(normalizeMessageId)
      .filter((value): value is string => value !== null);
    return {
      id,
      threadId: id,
      labelIds,
      raw,
      internalDate: internalDate ?? parsed.date?.getTime() ?? this.now(),
      headers: parsed.headerLines.map(({ line }) => {
        const colon = line.indexOf(":");
        return {
          name: line.slice(0, colon).trim(),
          value: line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/gu, " ")
            .trim(),
        };
      }),
      mimeType:
        parsed.headers.get("content-type") === undefined
          ? "text/plain"
          : String((parsed.headers.get("content-type") as { value: string }).value),
      subject: parsed.subject ?? "",
      from: addresses(parsed.from),
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      bcc: addresses(parsed.bcc),
      text,
      snippet: escapeHtml(snippetOf(text)),
      hasAttachment: parsed.attachments.some(
        (attachment) =>
          attachment.contentDisposition === "attachment" ||
          (attachment.related !== true && attachment.filename !== undefined),
      ),
      messageId,
      answers,
    };
  }
}

function baseSubject(subject: string): string {
  return subject
    .replace(/^(?:\s*(?:re|fwd?|aw)\s*(?:\[\d+\])?\s*:)+\s*/iu, "")
    .trim()
    .toLowerCase();
}

/** The delivered copy carries no Bcc header (Gmail strips it); the sender's copy keeps it. */
function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString("latin1");
  const end = text.search(/\r?\n\r?\n/u);
  const head = end < 0 ? text : text.slice(0, end);
  const stripped = head.replace(/^Bcc:.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gimu, "");
  return stripped === head ? raw : Buffer.from(stripped + text.slice(head.length), "latin1");
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/gu, "&amp;")
    .replace(/</gu, "&lt;")
    .replace(/>/gu, "&gt;")
    .replace(/"/gu, "&quot;")
    .replace(/'/gu, "&#39;");
}

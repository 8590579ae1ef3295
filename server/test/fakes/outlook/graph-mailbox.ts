// The state of the Graph fake: mailboxes of messages kept as Exchange keeps them (a MIME source plus
// the properties Graph shows: folder, isRead, conversationId, immutable id), and what a send does:
// the sender's copy filed in Sent Items, a copy delivered unread to every hosted recipient's Inbox.
import { randomBytes } from "node:crypto";
import type { EmailAddress, MailFolder, Message, Recipient } from "@microsoft/microsoft-graph-types";
import { simpleParser, type AddressObject } from "mailparser";
import { addresses } from "../../../src/mail/parse.js";

export const WELL_KNOWN_FOLDERS = ["inbox", "sentitems", "drafts", "deleteditems"] as const;
export type WellKnownFolder = (typeof WELL_KNOWN_FOLDERS)[number];

const DISPLAY_NAMES: Record<WellKnownFolder, string> = {
  inbox: "Inbox",
  sentitems: "Sent Items",
  drafts: "Drafts",
  deleteditems: "Deleted Items",
};

/** An attachment added to a draft through Graph (a POST or an upload session), not yet in its MIME. */
export interface DraftAttachment {
  name: string;
  contentType: string;
  content: Buffer;
}

export interface StoredMessage {
  /** Graph's view of the message; id is the immutable id. */
  message: Message & {
    id: string;
    parentFolderId: string;
    conversationId: string;
    isRead: boolean;
    receivedDateTime: string;
  };
  mime: Buffer;
  /** The plain text body, for $search on body. */
  bodyText: string;
  /** Names of the attachments, for has-attachment and attachment search. */
  attachmentNames: string[];
  draftAttachments: DraftAttachment[];
}

/** An id shaped like Exchange's (base64url text of some 50 bytes), random. */
export function exchangeId(prefix: string): string {
  return `${prefix}${randomBytes(48).toString("base64url")}`;
}

/**
 * Whether Graph would parse this as an Outlook id at all. Ids are base64 of binary entry ids (Graph's
 * own formats URL-safe, https://learn.microsoft.com/graph/api/user-translateexchangeids), and Exchange
 * answers an id whose structure does not hold together ErrorInvalidIdMalformed, "Id is malformed."
 * (https://learn.microsoft.com/exchange/client-developer/exchange-web-services/ews-identifiers-in-exchange#handling-errors),
 * which Graph gives as 400 before looking anything up. The fake's rule, since Exchange's parser is not
 * published: base64 or base64url characters, at most two "=" at the end, a length base64 can have, and
 * at least 32 bytes once decoded (an immutable id is an entry id of about 50 bytes, a REST id about 110).
 */
export function wellFormedId(id: string): boolean {
  const match = /^([A-Za-z0-9+/_-]+)(={0,2})$/u.exec(id);
  const text = match?.[1];
  if (text === undefined || text.length % 4 === 1) return false;
  return Buffer.from(text.replace(/\+/gu, "-").replace(/\//gu, "_"), "base64url").length >= 32;
}

export class FakeMailbox {
  readonly folders = new Map<WellKnownFolder, MailFolder & { id: string }>();
  readonly messages = new Map<string, StoredMessage>();
  readonly userId = exchangeId("");

  constructor(
    readonly address: string,
    readonly displayName: string,
  ) {
    for (const name of WELL_KNOWN_FOLDERS)
      this.folders.set(name, { id: exchangeId("AQMk"), displayName: DISPLAY_NAMES[name] });
  }

  folderId(name: WellKnownFolder): string {
    return (this.folders.get(name) as { id: string }).id;
  }

  /** The well-known name of a folder id, if it is one. */
  folderName(id: string): WellKnownFolder | undefined {
    return WELL_KNOWN_FOLDERS.find((name) => this.folderId(name) === id);
  }

  /** Files a MIME source as a message of this mailbox; its conversation is that of the message it answers, if held here. */
  async addFromMime(
    mime: Buffer,
    options: {
      folder: WellKnownFolder;
      isRead: boolean;
      receivedDateTime?: string;
      isDraft?: boolean;
      id?: string;
      conversationId?: string;
    },
  ): Promise<StoredMessage> {
    const parsed = await simpleParser(mime);
    const internetMessageId = parsed.messageId ?? `<${exchangeId("")}@fake.outlook.test>`;
    const threadIds = [parsed.inReplyTo ?? "", ...[parsed.references ?? []].flat()].filter((id) => id !== "");
    const conversationId = options.conversationId ?? this.conversationOf(threadIds) ?? exchangeId("AAQk");
    const attachments = parsed.attachments.filter((part) => !part.related);
    const text = parsed.text ?? "";
    const received = options.receivedDateTime ?? new Date().toISOString();
    const stored: StoredMessage = {
      message: {
        id: options.id ?? exchangeId("AAkALg"),
        parentFolderId: this.folderId(options.folder),
        conversationId,
        isRead: options.isRead,
        isDraft: options.isDraft ?? false,
        receivedDateTime: received,
        sentDateTime: parsed.date?.toISOString() ?? received,
        subject: parsed.subject ?? "",
        bodyPreview: text.replace(/\s+/gu, " ").trim().slice(0, 255),
        internetMessageId,
        from: recipients(parsed.from)[0] ?? null,
        toRecipients: recipients(parsed.to),
        ccRecipients: recipients(parsed.cc),
        bccRecipients: recipients(parsed.bcc),
        replyTo: recipients(parsed.replyTo),
        hasAttachments: attachments.length > 0,
      },
      mime,
      bodyText: text,
      attachmentNames: attachments.map((part) => part.filename ?? ""),
      draftAttachments: [],
    };
    this.messages.set(stored.message.id, stored);
    return stored;
  }

  /** The owner moved the message to another folder (in Outlook): its immutable id stays, its REST id changes. */
  move(id: string, folder: WellKnownFolder): void {
    const stored = this.messages.get(id);
    if (stored === undefined) throw new Error(`the Graph fake holds no message ${id}`);
    stored.message.parentFolderId = this.folderId(folder);
  }

  private conversationOf(messageIds: readonly string[]): string | undefined {
    for (const id of messageIds.toReversed()) {
      for (const stored of this.messages.values())
        if (stored.message.internetMessageId === id) return stored.message.conversationId;
    }
    return undefined;
  }
}

function recipients(field: AddressObject | AddressObject[] | undefined): Recipient[] {
  return addresses(field).map((entry) => ({
    emailAddress: { name: entry.name ?? entry.address, address: entry.address } satisfies EmailAddress,
  }));
}

/** The MIME source without its Bcc header: what recipients get. */
export function withoutBcc(mime: Buffer): Buffer {
  const text = mime.toString("latin1");
  const end = text.search(/\r?\n\r?\n/u);
  const head = end === -1 ? text : text.slice(0, end);
  const strippedHead = head.replace(/^bcc:.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gimu, "").replace(/\r?\n$/u, "");
  return Buffer.from(strippedHead + (end === -1 ? "" : text.slice(end)), "latin1");
}

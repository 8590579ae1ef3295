// The state of the Graph fake: mailboxes of messages kept as Exchange keeps them (a MIME source plus
// the properties Graph shows: folder, isRead, conversationId, immutable id), and what a send does:
// the sender's copy filed in Sent Items, a copy delivered unread to every hosted recipient's Inbox.
// Folders as in an Exchange Online mailbox: the mail folders under msgfolderroot ("Top of
// Information Store"), and beside it, under the mailbox's root, the hidden TeamsMessagesData folder
// where Teams keeps a copy of the owner's chats, which GET /me/messages lists with the mail.
import { randomBytes } from "node:crypto";
import type { EmailAddress, MailFolder, Message, Recipient } from "@microsoft/microsoft-graph-types";
import { simpleParser, type AddressObject } from "mailparser";
import { addresses } from "../../../src/mail/parse.js";

/** Well-known folder names Graph accepts in place of an id (https://learn.microsoft.com/graph/api/resources/mailfolder). */
export const WELL_KNOWN_FOLDERS = ["inbox", "sentitems", "drafts", "deleteditems", "archive", "msgfolderroot"] as const;
export type WellKnownFolder = (typeof WELL_KNOWN_FOLDERS)[number];

const DISPLAY_NAMES: Record<WellKnownFolder, string> = {
  inbox: "Inbox",
  sentitems: "Sent Items",
  drafts: "Drafts",
  deleteditems: "Deleted Items",
  archive: "Archive",
  msgfolderroot: "Top of Information Store",
};

/** A folder as GET /me/mailFolders/{id} gives it. */
export interface FakeFolder extends MailFolder {
  id: string;
  displayName: string;
  parentFolderId: string | null;
  isHidden: boolean;
}

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
  readonly folders = new Map<WellKnownFolder, FakeFolder>();
  /** The mailbox's root: msgfolderroot's parent, and the parent of the folders no mail client shows. */
  readonly rootFolder: FakeFolder = {
    id: exchangeId("AQMk"),
    displayName: "Root",
    parentFolderId: null,
    isHidden: false,
  };
  /**
   * Where Teams files the compliance copies of the owner's 1:1 and group chats: TeamsMessagesData,
   * in the mailbox's non-IPM subtree since 2020 (before, a hidden "Team Chat" folder under
   * Conversation History). Graph has no well-known name for it. Whether Graph reports it hidden is
   * not documented: the fake says not, so only its place outside msgfolderroot tells it apart.
   */
  readonly teamsFolder: FakeFolder;
  /** Folders the owner made (in Outlook, or by POST /me/mailFolders), anywhere under msgfolderroot. */
  readonly ownFolders: FakeFolder[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly userId = exchangeId("");

  constructor(
    readonly address: string,
    readonly displayName: string,
  ) {
    const top: FakeFolder = {
      id: exchangeId("AQMk"),
      displayName: DISPLAY_NAMES.msgfolderroot,
      parentFolderId: this.rootFolder.id,
      isHidden: false,
    };
    for (const name of WELL_KNOWN_FOLDERS)
      this.folders.set(
        name,
        name === "msgfolderroot"
          ? top
          : { id: exchangeId("AQMk"), displayName: DISPLAY_NAMES[name], parentFolderId: top.id, isHidden: false },
      );
    this.teamsFolder = {
      id: exchangeId("AQMk"),
      displayName: "TeamsMessagesData",
      parentFolderId: this.rootFolder.id,
      isHidden: false,
    };
  }

  folderId(name: WellKnownFolder): string {
    return (this.folders.get(name) as { id: string }).id;
  }

  /** The well-known name of a folder id, if it is one. */
  folderName(id: string): WellKnownFolder | undefined {
    return WELL_KNOWN_FOLDERS.find((name) => this.folderId(name) === id);
  }

  /** Any folder of the mailbox by its id, those without a well-known name included. */
  folderById(id: string): FakeFolder | undefined {
    const named = this.folderName(id);
    if (named !== undefined) return this.folders.get(named);
    return [this.rootFolder, this.teamsFolder, ...this.ownFolders].find((folder) => folder.id === id);
  }

  /** A folder the owner made, under msgfolderroot unless a parent (by id) is given; hidden if asked. */
  addFolder(displayName: string, options: { parentFolderId?: string; isHidden?: boolean } = {}): FakeFolder {
    const folder: FakeFolder = {
      id: exchangeId("AQMk"),
      displayName,
      parentFolderId: options.parentFolderId ?? this.folderId("msgfolderroot"),
      isHidden: options.isHidden ?? false,
    };
    this.ownFolders.push(folder);
    return folder;
  }

  /** Every folder of the mailbox, in the order they were made. */
  allFolders(): FakeFolder[] {
    return [this.rootFolder, ...this.folders.values(), this.teamsFolder, ...this.ownFolders];
  }

  /**
   * A folder as Graph lists it, with the counts of the mailFolder resource
   * (https://learn.microsoft.com/graph/api/resources/mailfolder: childFolderCount, "the number of
   * immediate child mailFolders in the current mailFolder"; totalItemCount and unreadItemCount, the
   * items of the folder and those marked unread). The v1.0 resource has no wellKnownName (only beta's
   * does): a client tells the well-known folders by the ids GET /me/mailFolders/{name} gives.
   */
  folderResource(folder: FakeFolder): FakeFolder & {
    childFolderCount: number;
    totalItemCount: number;
    unreadItemCount: number;
  } {
    const items = [...this.messages.values()].filter((stored) => stored.message.parentFolderId === folder.id);
    return {
      ...folder,
      childFolderCount: this.allFolders().filter((child) => child.parentFolderId === folder.id).length,
      totalItemCount: items.length,
      unreadItemCount: items.filter((stored) => !stored.message.isRead).length,
    };
  }

  /**
   * A Teams chat message as Exchange keeps its copy: an item in TeamsMessagesData, which GET
   * /me/messages (no folder) returns with the mail, in a listing and in a $search alike
   * (https://learn.microsoft.com/graph/known-issues#get-messages-returns-chats-in-microsoft-teams:
   * "the response to GET /users/id/messages includes the user's Microsoft Teams chats that occurred
   * outside the scope of a team or channel. These chat messages have "IM" as their subject."). Their
   * subject has since been seen empty (https://github.com/microsoftgraph/microsoft-graph-docs/issues/4357,
   * where Microsoft answered that reading chats through /messages "is not a supported scenario"), so
   * the subject is the caller's choice here, "IM" unless told otherwise.
   */
  async addTeamsChat(chat: {
    from: string;
    text: string;
    sentDateTime: string;
    subject?: string;
    isRead?: boolean;
  }): Promise<StoredMessage> {
    const mime = Buffer.from(
      [
        `From: ${chat.from}`,
        `To: ${this.displayName} <${this.address}>`,
        `Subject: ${chat.subject ?? "IM"}`,
        `Date: ${new Date(chat.sentDateTime).toUTCString()}`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        chat.text,
        "",
      ].join("\r\n"),
    );
    const stored = await this.addFromMime(mime, {
      folder: "inbox",
      isRead: chat.isRead ?? true,
      receivedDateTime: chat.sentDateTime,
    });
    stored.message.parentFolderId = this.teamsFolder.id;
    return stored;
  }

  /** Files a MIME source as a message of this mailbox; its conversation is that of the message it answers, if held here. */
  async addFromMime(mime: Buffer, options: Parameters<FakeMailbox["messageFromMime"]>[1]): Promise<StoredMessage> {
    const stored = await this.messageFromMime(mime, options);
    this.messages.set(stored.message.id, stored);
    return stored;
  }

  /** The message addFromMime would file, not filed yet. */
  async messageFromMime(
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
    return stored;
  }

  /** The owner moved the message to another folder (in Outlook): its immutable id stays, its REST id changes. */
  move(id: string, folder: WellKnownFolder | FakeFolder): void {
    const stored = this.messages.get(id);
    if (stored === undefined) throw new Error(`the Graph fake holds no message ${id}`);
    stored.message.parentFolderId = typeof folder === "string" ? this.folderId(folder) : folder.id;
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

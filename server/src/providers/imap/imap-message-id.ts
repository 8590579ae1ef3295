// The opaque ids an IMAP inbox hands out. A message id names the folder, its UIDVALIDITY and the
// message's UID (the spec's decision message-ids), base64url-encoded so that it is one opaque token;
// a changed UIDVALIDITY or a deleted message gives message_not_found. A thread id is derived from
// the thread's root Message-ID, since plain IMAP has no conversation ids.
import { createHash } from "node:crypto";

export interface ImapMessageRef {
  /** The folder's real path on the server (INBOX, Sent, "Archive/2026"...). */
  path: string;
  uidValidity: bigint;
  uid: number;
}

const VERSION = "1";

export function encodeMessageId(ref: ImapMessageRef): string {
  return Buffer.from(`${VERSION}\n${ref.uidValidity}\n${ref.uid}\n${ref.path}`, "utf8").toString("base64url");
}

/** The reference inside an id, or undefined for anything that is not an id this provider made. */
export function decodeMessageId(id: string): ImapMessageRef | undefined {
  if (!/^[A-Za-z0-9_-]+$/u.test(id)) return undefined;
  const [version, uidValidity, uid, ...pathParts] = Buffer.from(id, "base64url").toString("utf8").split("\n");
  const path = pathParts.join("\n");
  if (version !== VERSION || uidValidity === undefined || uid === undefined || path === "") return undefined;
  if (!/^[1-9]\d{0,19}$/u.test(uidValidity) || !/^[1-9]\d{0,9}$/u.test(uid)) return undefined;
  const uidNumber = Number(uid);
  if (uidNumber > 0xffffffff) return undefined;
  return { path, uidValidity: BigInt(uidValidity), uid: uidNumber };
}

/**
 * The thread of a message: the first Message-ID of its References (the thread's root, as RFC 5322
 * orders them), else its In-Reply-To, else its own Message-ID; hashed so that it stays opaque and
 * short. Every message of a conversation whose replies keep References (ours do, and so do the
 * common clients) gets the same thread id, in any folder and across sessions. A message with none
 * of the three has no thread id (null).
 */
export function threadIdOf(headers: {
  references: readonly string[];
  inReplyTo: string | null;
  messageId: string | null;
}): string | null {
  const root = headers.references[0] ?? headers.inReplyTo ?? headers.messageId;
  if (root === null || root === undefined || root === "") return null;
  return `t${createHash("sha256").update(root.toLowerCase()).digest("base64url").slice(0, 22)}`;
}

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

/** Characters of the root kept in a thread id: enough to find the thread by a SEARCH HEADER substring. */
const ROOT_PREFIX_CHARS = 128;
const HASH_CHARS = 22;

/**
 * The thread of a message: the first Message-ID of its References (the thread's root, as RFC 5322
 * orders them), else its In-Reply-To, else its own Message-ID. Every message of a conversation whose
 * replies keep References (ours do, and so do the common clients) gets the same thread id, in any
 * folder and across sessions. A message with none of the three has no thread id (null).
 *
 * The id is "t", a hash of the whole root (exact), then the root's start (lowercased, at most 128
 * characters, base64url): plain IMAP has no conversation ids and servers differ in THREAD support,
 * so get_thread finds the thread by SEARCH HEADER on that start and keeps the messages whose id
 * matches. An id made before 1.1 (the hash alone) finds no thread.
 */
export function threadIdOf(headers: {
  references: readonly string[];
  inReplyTo: string | null;
  messageId: string | null;
}): string | null {
  const root = (headers.references[0] ?? headers.inReplyTo ?? headers.messageId ?? "").toLowerCase();
  if (root === "") return null;
  const hash = createHash("sha256").update(root).digest("base64url").slice(0, HASH_CHARS);
  return `t${hash}${Buffer.from([...root].slice(0, ROOT_PREFIX_CHARS).join(""), "utf8").toString("base64url")}`;
}

/** The start of the root a thread id carries, to search for; undefined for anything else. */
export function threadRootStart(threadId: string): string | undefined {
  if (!/^t[A-Za-z0-9_-]+$/u.test(threadId) || threadId.length <= 1 + HASH_CHARS) return undefined;
  const start = Buffer.from(threadId.slice(1 + HASH_CHARS), "base64url").toString("utf8");
  if (start === "" || start.includes("\uFFFD") || /[\r\n]/u.test(start)) return undefined;
  return start;
}

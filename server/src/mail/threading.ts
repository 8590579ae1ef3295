// What makes a reply stay in its thread on every client (Gmail, Outlook, Apple Mail, mutt): a
// subject with one "Re: ", In-Reply-To the original's Message-ID, References the original's
// References plus its Message-ID; and who a reply goes to (DESIGN.md section 4). Hand-written:
// nodemailer and mailparser read and write these headers but leave these rules to the caller.
import type { Address } from "@mcpemails/generated";
import { addressKey, uniqueAddresses } from "./addresses.js";

/** "Re: " once, whatever prefixes the original carries: "RE: re: Lunch" gives "Re: Lunch". */
export function replySubject(subject: string): string {
  const base = subject.replace(/^(?:\s*re\s*(?:\[\d+\])?\s*:)+\s*/iu, "");
  return `Re: ${base}`;
}

/** A Message-ID in angle brackets, or null when it cannot be one (empty, or with spaces or brackets inside). */
export function normalizeMessageId(id: string): string | null {
  const bare = id.trim().replace(/^<|>$/gu, "");
  return bare === "" || /[\s<>]/u.test(bare) ? null : `<${bare}>`;
}

/** References for a reply: the original's References, oldest first, then its Message-ID; deduplicated. */
export function replyReferences(original: { references: readonly string[]; messageId: string | null }): string[] {
  const parent = original.messageId === null ? null : normalizeMessageId(original.messageId);
  const seen = new Set<string>(parent === null ? [] : [parent]);
  const references: string[] = [];
  for (const reference of original.references) {
    const id = normalizeMessageId(reference);
    if (id === null || seen.has(id)) continue;
    seen.add(id);
    references.push(id);
  }
  return parent === null ? references : [...references, parent];
}

export interface ReplyOriginal {
  from: Address | null;
  replyTo: readonly Address[];
  to: readonly Address[];
  cc: readonly Address[];
}

export interface ReplyRecipients {
  to: Address[];
  cc: Address[];
}

/**
 * To: the original's Reply-To, else its From. With replyAll, Cc: the original To and Cc. The
 * inbox's own addresses are left out of Cc, and Bcc is never copied (the original's Bcc is not
 * even asked for). A reply to a message the inbox itself sent goes to that message's recipients,
 * as Gmail and Outlook do, rather than back to the inbox.
 */
export function replyRecipients(
  original: ReplyOriginal,
  ownAddresses: readonly string[],
  replyAll: boolean,
): ReplyRecipients {
  const own = new Set(ownAddresses.map(addressKey));
  const isOwn = (entry: Address) => own.has(addressKey(entry.address));
  const author = original.replyTo.length > 0 ? [...original.replyTo] : original.from === null ? [] : [original.from];
  const repliesToSelf = author.length > 0 && author.every(isOwn);
  const othersOfOwnMessage = original.to.filter((entry) => !isOwn(entry));
  const to = uniqueAddresses(repliesToSelf && othersOfOwnMessage.length > 0 ? othersOfOwnMessage : author);
  if (!replyAll) return { to, cc: [] };
  const inTo = new Set(to.map((entry) => addressKey(entry.address)));
  const cc = uniqueAddresses([...original.to, ...original.cc]).filter(
    (entry) => !isOwn(entry) && !inTo.has(addressKey(entry.address)),
  );
  return { to, cc };
}

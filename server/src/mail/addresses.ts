// Recipient addresses as tools receive them ("Alice <alice@example.com>" or alice@example.com):
// parsed by nodemailer's addressparser, then checked, so that a bad one is invalid_recipient with
// the parameter path, before anything is composed or stored.
import addressparser from "nodemailer/lib/addressparser";
import type { Address } from "@mcpemails/generated";

export type RecipientParse = { ok: true; address: Address } | { ok: false; reason: string };

/** Any control character: CR and LF above all, which would end a header and start another. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Parses one recipient: exactly one mailbox, no group, no line break, a valid addr-spec. */
export function parseRecipient(input: string): RecipientParse {
  if (CONTROL_CHARACTER.test(input)) return { ok: false, reason: "contains a line break or control character" };
  const entries = addressparser(input);
  if (entries.length !== 1)
    return { ok: false, reason: entries.length === 0 ? "is empty" : "holds more than one address" };
  const [entry] = entries;
  if (entry === undefined || entry.group !== undefined) return { ok: false, reason: "is a group, not a mailbox" };
  if (!isValidAddrSpec(entry.address)) return { ok: false, reason: "is not a mailbox address (local-part@domain)" };
  const name = entry.name.trim();
  return { ok: true, address: { name: name === "" ? null : name, address: entry.address } };
}

// addressparser is deliberately lenient (it turns "bob at example dot com" into a display name
// with an empty address), and no RFC 5322 validator is installed, so the addr-spec itself is
// checked here: RFC 5322 dot-atom local part, RFC 5321 host name or address literal as the domain
// (what SMTP can deliver to), UTF-8 allowed in both (RFC 6531/6532), RFC 5321 length limits.
// Quoted local parts are not accepted: addressparser strips their quotes.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\u{10FFFF}]";
const LOCAL_PART = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`, "u");
const DOMAIN_LABEL =
  /^[A-Za-z0-9\u0080-\u{10FFFF}](?:[A-Za-z0-9\u0080-\u{10FFFF}-]{0,61}[A-Za-z0-9\u0080-\u{10FFFF}])?$/u;
const ADDRESS_LITERAL =
  /^\[(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|IPv6:[0-9A-Fa-f:.]+)\]$/u;

export function isValidAddrSpec(address: string): boolean {
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.length > 254) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  if (ADDRESS_LITERAL.test(domain)) return true;
  const labels = domain.split(".");
  return domain.length <= 253 && labels.every((label) => DOMAIN_LABEL.test(label));
}

export interface InvalidRecipient {
  /** Path of the bad address, as invalid_recipient names it: to[1], cc[0], bcc[2], reply_to. */
  parameter: string;
  address: string;
  reason: string;
}

export interface RecipientFields {
  to?: readonly string[] | undefined;
  cc?: readonly string[] | undefined;
  bcc?: readonly string[] | undefined;
  reply_to?: string | undefined;
}

export interface ParsedRecipients {
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address | null;
}

/** Parses every recipient field, in the order to, cc, bcc, reply_to; the first bad one is reported. */
export function parseRecipientFields(
  fields: RecipientFields,
): { ok: true; recipients: ParsedRecipients } | { ok: false; invalid: InvalidRecipient } {
  const recipients: ParsedRecipients = { to: [], cc: [], bcc: [], replyTo: null };
  for (const field of ["to", "cc", "bcc"] as const) {
    for (const [index, input] of (fields[field] ?? []).entries()) {
      const parsed = parseRecipient(input);
      if (!parsed.ok)
        return { ok: false, invalid: { parameter: `${field}[${index}]`, address: input, reason: parsed.reason } };
      recipients[field].push(parsed.address);
    }
  }
  if (fields.reply_to !== undefined) {
    const parsed = parseRecipient(fields.reply_to);
    if (!parsed.ok)
      return { ok: false, invalid: { parameter: "reply_to", address: fields.reply_to, reason: parsed.reason } };
    recipients.replyTo = parsed.address;
  }
  return { ok: true, recipients };
}

/** The first bad address of a send's recipient fields, or undefined when all are valid. */
export function findInvalidRecipient(fields: RecipientFields): InvalidRecipient | undefined {
  const parsed = parseRecipientFields(fields);
  return parsed.ok ? undefined : parsed.invalid;
}

/**
 * The form two addresses are compared in. Domains are case-insensitive; local parts are in
 * theory case-sensitive, but no mail system in use treats them so, and reply-all must not copy
 * the inbox itself because the case differs.
 */
export function addressKey(address: string): string {
  return address.normalize("NFC").toLowerCase();
}

/** Keeps the first of each address, compared by addressKey. */
export function uniqueAddresses(addresses: readonly Address[]): Address[] {
  const seen = new Set<string>();
  return addresses.filter((entry) => {
    const key = addressKey(entry.address);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

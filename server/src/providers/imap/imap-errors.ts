// How a failure of the IMAP or SMTP server reaches a caller: a refused login is auth_failed, a
// dropped connection may be retried, anything else is provider_error with the server's own words
// (never a stack trace, never the password).
import type { ImapSettings } from "./imap-settings.js";

/** The server refused the login (IMAP AUTHENTICATIONFAILED / NO to LOGIN, SMTP 535). */
export class ImapAuthError extends Error {
  override readonly name = "ImapAuthError";
}

/** Codes imapflow and Node give a connection that went away (closed, reset, timed out). */
const DROPPED_CODES = new Set([
  "NoConnection",
  "EConnectionClosed",
  "StateLogout",
  "ETIMEOUT",
  "ECONNRESET",
  "EPIPE",
  "ECONNREFUSED",
  "ClosedAfterConnectText",
  "ClosedAfterConnectTLS",
]);

interface ServerError {
  code?: unknown;
  responseText?: unknown;
  responseStatus?: unknown;
  reason?: unknown;
  response?: unknown;
  authenticationFailed?: unknown;
  message?: unknown;
}

export function isAuthFailure(error: unknown): boolean {
  if (error instanceof ImapAuthError) return true;
  const e = (error ?? {}) as ServerError;
  return e.authenticationFailed === true || e.code === "EAUTH";
}

export function isDroppedConnection(error: unknown): boolean {
  const e = (error ?? {}) as ServerError;
  return typeof e.code === "string" && DROPPED_CODES.has(e.code);
}

/** How much of a remote server's reply a message quotes: enough to diagnose, too little to read a service through. */
export const SERVER_WORDS_MAX_LENGTH = 160;

/**
 * What the server said, as a short quoted excerpt on one line, without the password; for
 * provider_error's detail and the connect errors. Quoted (JSON) so that it reads as data, not as
 * this server's own words.
 */
export function serverWords(error: unknown, settings: Pick<ImapSettings, "password">): string {
  const e = (error ?? {}) as ServerError;
  const text =
    typeof e.responseText === "string" && e.responseText !== ""
      ? `${typeof e.responseStatus === "string" ? `${e.responseStatus} ` : ""}${e.responseText}`
      : typeof e.response === "string" && e.response !== ""
        ? e.response
        : typeof e.reason === "string" && e.reason !== ""
          ? e.reason
          : typeof e.message === "string" && e.message !== ""
            ? e.message
            : "unknown error";
  return quoteServerWords(text, settings.password);
}

export function quoteServerWords(text: string, password: string): string {
  const line = redact(text.replace(/\s+/gu, " ").trim(), password);
  const cut = [...line];
  return JSON.stringify(
    cut.length > SERVER_WORDS_MAX_LENGTH ? `${cut.slice(0, SERVER_WORDS_MAX_LENGTH).join("")}…` : line,
  );
}

export function redact(text: string, password: string): string {
  return password === "" ? text : text.split(password).join("***");
}

/**
 * The server refused the charset of a SEARCH: NO [BADCHARSET] (RFC 3501 §6.4.4), or NO or BAD
 * naming it (Cyrus: "BAD Unrecognized character set"; Courier in UTF8=ACCEPT mode: "NO CHARSET is
 * not valid in UTF8 mode"). A server that cannot search UTF-8 cannot search non-ASCII text.
 */
export function isRefusedCharset(error: unknown): boolean {
  const e = (error ?? {}) as ServerError;
  if (e.responseStatus !== "NO" && e.responseStatus !== "BAD") return false;
  if (hasAtom(e.response, "BADCHARSET")) return true;
  return typeof e.responseText === "string" && /charset|character set/i.test(e.responseText);
}

/** Whether imapflow's parsed response holds the atom (a response code sits in a section among its attributes). */
function hasAtom(value: unknown, atom: string): boolean {
  if (typeof value === "string") return value.toUpperCase() === atom;
  if (Array.isArray(value)) return value.some((each) => hasAtom(each, atom));
  if (value !== null && typeof value === "object")
    return Object.values(value as Record<string, unknown>).some((each) => hasAtom(each, atom));
  return false;
}

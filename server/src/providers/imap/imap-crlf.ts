// A message as IMAP and SMTP take it: every line ending CRLF. RFC 5322 §2.3 forbids a bare CR or
// LF, and strict servers refuse an APPEND holding one (Cyrus: "NO Message contains bare newlines");
// nodemailer's composer leaves the text of a 7bit body with the caller's bare LFs.

/** The message with each bare LF, bare CR and CRLF turned into CRLF. */
export function withCrlfLineEnds(raw: string): string {
  return raw.replace(/\r\n|\r|\n/g, "\r\n");
}

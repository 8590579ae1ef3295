// A file name is written by whoever sent the message (or by the agent, for a send): it may carry a
// path ("../../.bashrc", "C:\\x"), control characters, or a right-to-left override that shows
// "invoice[U+202E]fdp.exe" as "invoiceexe.pdf". What the server passes on is a name safe to save.

/** Controls (Cc) and format characters (Cf: bidirectional overrides and isolates, zero-width joiners, BOM). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** The last path segment, without invisible characters, never "." or ".."; `fallback` when nothing is left. */
export function safeFilename(filename: string, fallback = "attachment"): string {
  const segment = filename.split(/[/\\]/u).at(-1) ?? "";
  const cleaned = segment.replace(INVISIBLE, "").trim();
  return cleaned === "" || /^\.+$/u.test(cleaned) ? fallback : cleaned;
}

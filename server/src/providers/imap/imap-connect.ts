// PLACEHOLDER: being written (issue 4).
import type { ImapSettings } from "./imap-settings.js";

/** Logs in to the IMAP and the SMTP server with these settings; throws ConnectError saying what failed (never the password). */
export async function verifyImapSettings(_settings: ImapSettings): Promise<void> {
  throw new Error("verifyImapSettings: not written yet");
}

// The sender's copy of a message the SMTP server accepted, APPENDed to the Sent folder (found again
// once when the cached list has none). Never retried after a drop: repeating an APPEND whose answer
// was lost would file the message twice. Gmail files what its SMTP server sends itself.
import type { ImapContext } from "./imap-context.js";
import { serverWords } from "./imap-errors.js";
import { encodeMessageId } from "./imap-message-id.js";

/** Filed (with its id, when the server gave a UID) or not, and why. */
export type SentCopy = { filed: true; messageId: string | null } | { filed: false; reason: string };

export async function fileSentCopy(context: ImapContext, raw: string): Promise<SentCopy> {
  try {
    return await context.pool.use(
      async (connection): Promise<SentCopy> => {
        if (connection.client.capabilities.has("X-GM-EXT-1")) return { filed: true, messageId: null };
        const sentPath =
          (await context.folders(connection)).pathOf("SENT") ??
          (await context.folders(connection, true)).pathOf("SENT");
        if (sentPath === undefined)
          return {
            filed: false,
            reason: "the IMAP server has no Sent folder (none marked \\Sent, none by a usual name)",
          };
        const appended = await connection.append(sentPath, raw, ["\\Seen"], context.now());
        if (appended === false) return { filed: false, reason: `the IMAP server refused the APPEND to ${sentPath}` };
        if (appended.uid === undefined || appended.uidValidity === undefined) return { filed: true, messageId: null };
        return {
          filed: true,
          messageId: encodeMessageId({ path: sentPath, uidValidity: appended.uidValidity, uid: appended.uid }),
        };
      },
      { retryOnDrop: false },
    );
  } catch (error) {
    return { filed: false, reason: `the IMAP server answered: ${serverWords(error, context.settings)}` };
  }
}

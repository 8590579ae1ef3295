// The whole source of a message named by its id (BODY.PEEK: reading it sets no flag).
import type { ToolCall } from "../core/provider-tools.js";
import type { ImapContext } from "./imap-context.js";
import { messageRefOf, noSuchMessage } from "./imap-message-ref.js";
import { selectFolderOf } from "./imap-select.js";

export async function messageSource(context: ImapContext, messageId: string, call: ToolCall): Promise<Buffer> {
  const ref = messageRefOf(messageId);
  const source = await context.pool.use(
    async (connection) => {
      if (!(await selectFolderOf(connection, ref))) return undefined;
      const message = await connection.client.fetchOne(String(ref.uid), { uid: true, source: true }, { uid: true });
      return message === false || message.uid !== ref.uid ? undefined : message.source;
    },
    { retryOnDrop: true, signal: call.signal },
  );
  if (source === undefined) throw noSuchMessage();
  return source;
}

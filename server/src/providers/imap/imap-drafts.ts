// Drafts in the \Drafts mailbox (special-use, else a usual name: imap-folders.ts). A stored message
// cannot change, so an update APPENDs the new draft and then deletes the old one, and the draft's id
// is its message id: the tools answer the current one.
import { ProviderFailure } from "../core/provider-failure.js";
import type { ToolCall } from "../core/provider-tools.js";
import type { ImapContext } from "./imap-context.js";
import { withCrlfLineEnds } from "./imap-crlf.js";
import { encodeMessageId, type ImapMessageRef } from "./imap-message-id.js";
import { messageRefOf, noSuchMessage } from "./imap-message-ref.js";
import type { ImapConnection } from "./imap-pool.js";
import { selectFolderOf } from "./imap-select.js";

async function draftsPath(context: ImapContext, connection: ImapConnection): Promise<string> {
  const path =
    (await context.folders(connection)).pathOf("DRAFTS") ?? (await context.folders(connection, true)).pathOf("DRAFTS");
  if (path === undefined)
    throw new ProviderFailure(
      "refused",
      "the IMAP server has no Drafts folder (none marked \\Drafts, none by a usual name)",
    );
  return path;
}

/** Files the draft's source in Drafts (\Draft, \Seen); its message id, found by Message-ID where the server gives no UID. */
export async function appendDraft(context: ImapContext, raw: string, rfc822MessageId: string): Promise<string> {
  // Never repeated after a drop: an APPEND whose answer was lost would file the draft twice.
  return context.pool.use(
    async (connection) => {
      const path = await draftsPath(context, connection);
      const appended = await connection.append(path, withCrlfLineEnds(raw), ["\\Draft", "\\Seen"], context.now());
      if (appended === false) throw new ProviderFailure("refused", `the IMAP server refused the APPEND to ${path}`);
      if (appended.uid !== undefined && appended.uidValidity !== undefined)
        return encodeMessageId({ path, uidValidity: appended.uidValidity, uid: appended.uid });
      // Without UIDPLUS the server does not say the new UID: find the draft by its Message-ID.
      const state = await connection.open(path);
      const uids = await connection.client.search({ header: { "message-id": rfc822MessageId } }, { uid: true });
      const uid = Math.max(...(uids === false ? [] : (uids ?? [])));
      if (!Number.isFinite(uid))
        throw new ProviderFailure("refused", `the IMAP server filed the draft in ${path} but cannot find it`);
      return encodeMessageId({ path, uidValidity: state.uidValidity, uid });
    },
    { retryOnDrop: false },
  );
}

/** The draft's id and source; not_found for an id that is not a message of the Drafts mailbox. */
export async function draftSource(
  context: ImapContext,
  draftId: string,
  call: ToolCall,
): Promise<{ ref: ImapMessageRef; source: Buffer }> {
  const ref = messageRefOf(draftId);
  const source = await context.pool.use(
    async (connection) => {
      if (ref.path !== (await draftsPath(context, connection))) return undefined;
      if (!(await selectFolderOf(connection, ref))) return undefined;
      const message = await connection.client.fetchOne(String(ref.uid), { uid: true, source: true }, { uid: true });
      return message === false || message.uid !== ref.uid ? undefined : message.source;
    },
    { retryOnDrop: true, signal: call.signal },
  );
  if (source === undefined) throw noSuchMessage();
  return { ref, source };
}

/** Deletes the draft for good (UID EXPUNGE where the server has UIDPLUS; imapflow falls back to EXPUNGE). */
export async function removeDraft(context: ImapContext, ref: ImapMessageRef): Promise<void> {
  await context.pool.use(
    async (connection) => {
      if (!(await selectFolderOf(connection, ref, "write"))) throw noSuchMessage();
      await connection.client.messageDelete(String(ref.uid), { uid: true });
    },
    { retryOnDrop: true },
  );
}

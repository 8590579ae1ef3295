// A conversation across every folder: the thread id carries the start of its root Message-ID
// (imap-message-id.ts), so each selectable folder is searched for messages naming it in Message-ID,
// References or In-Reply-To (plain SEARCH HEADER, which every server has, where THREAD differs from
// server to server or is missing), and those whose own thread id is this one are read as read_email
// reads them. Folders are EXAMINEd and bodies read with BODY.PEEK: nothing is marked read.
import type { GetThreadArgs } from "@mcpemails/generated";
import type { SearchObject } from "imapflow";
import { ProviderFailure } from "../../core/provider-failure.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { readThread, type ThreadMember } from "../../core/thread-reading.js";
import type { ImapContext } from "../imap-context.js";
import { encodeMessageId, threadRootStart } from "../imap-message-id.js";
import { selectFolder } from "../imap-select.js";
import { sentDate, threadOfFetched, THREAD_FETCH } from "../imap-summary.js";
import { readEmail } from "./read-email.js";

export async function getThread(context: ImapContext, args: GetThreadArgs, call: ToolCall) {
  const root = threadRootStart(args.thread_id);
  const members =
    root === undefined
      ? []
      : await context.pool.use(
          async (connection) => {
            const map = await context.folders(connection, true);
            const found: ThreadMember[] = [];
            for (const path of map.selectable) {
              const folder = await selectFolder(connection, path, map);
              if (folder.exists === 0) continue;
              const uids = await connection.client.search(naming(root), { uid: true });
              if (uids === false || uids === undefined)
                throw new ProviderFailure("refused", "the mail server refused the SEARCH command");
              if (uids.length === 0) continue;
              for (const message of await connection.client.fetchAll(uids, THREAD_FETCH, { uid: true })) {
                if (threadOfFetched(message) !== args.thread_id) continue;
                found.push({
                  id: encodeMessageId({ path, uidValidity: folder.uidValidity, uid: message.uid }),
                  dateMs: Date.parse(sentDate(message.envelope?.date, message.internalDate)),
                });
              }
            }
            return found;
          },
          { retryOnDrop: true, signal: call.signal },
        );
  return readThread(args, members, (read) => readEmail(context, read, call));
}

function naming(root: string): SearchObject {
  return {
    or: [{ header: { "message-id": root } }, { header: { references: root } }, { header: { "in-reply-to": root } }],
  };
}

// A conversation: the messages of every folder with its conversationId (a $filter on /me/messages,
// the whole mailbox; no $orderby, which Graph refuses with InefficientFilter unless the filter names
// the ordering property first: readThread orders them), then each read as read_email reads it.
import type { Message } from "@microsoft/microsoft-graph-types";
import type { GetThreadArgs } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { readThread, type ThreadMember } from "../../core/thread-reading.js";
import { allPages } from "../graph-pages.js";
import type { OutlookContext } from "../outlook-context.js";
import { readEmail } from "./read-email.js";

/** Conversation ids are base64 like every Graph id; anything else names no conversation. */
const CONVERSATION_ID = /^[A-Za-z0-9+/=_-]{1,1024}$/u;

export async function getThread(context: OutlookContext, args: GetThreadArgs, call: ToolCall) {
  const { signal } = call;
  const members: ThreadMember[] = [];
  if (CONVERSATION_ID.test(args.thread_id)) {
    const items = await allPages<Message>(
      context.graph,
      "/me/messages",
      {
        $filter: `conversationId eq '${args.thread_id}'`,
        $select: "id,parentFolderId,sentDateTime,receivedDateTime",
        $top: "1000",
      },
      signal,
    );
    for (const message of items)
      if (message.id && (await context.folders.isMail(message, signal)))
        members.push({
          id: message.id,
          dateMs: Date.parse(message.sentDateTime ?? message.receivedDateTime ?? "") || 0,
        });
  }
  return readThread(args, members, (read) => readEmail(context, read, call));
}

// One message: its MIME source ($value) through the common parser, plus what MIME lacks (conversation,
// folder, read state) from the message's properties, in at most two requests.
import type { Message } from "@microsoft/microsoft-graph-types";
import type { ReadEmailArgs, ReadEmailOutput } from "@mcpemails/generated";
import { parseMessage, readOptions } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { messagePath } from "../graph-ids.js";
import type { OutlookContext } from "../outlook-context.js";
import { READ_SELECT } from "../outlook-message.js";

export async function readEmail(
  context: OutlookContext,
  args: ReadEmailArgs,
  call: ToolCall,
): Promise<ReadEmailOutput> {
  const { graph } = context;
  const { signal } = call;
  const path = messagePath(args.message_id);
  let raw: Buffer;
  let meta: Message;
  if (args.mark_as_read) {
    // The source first: a message is marked read only once it could be read. The PATCH answers with the properties needed.
    raw = await graph.bytes({ method: "GET", path: `${path}/$value`, signal });
    meta = await graph.json<Message>({
      method: "PATCH",
      path,
      body: JSON.stringify({ isRead: true }),
      contentType: "application/json",
      signal,
    });
  } else {
    [raw, meta] = await Promise.all([
      graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
      graph.json<Message>({ method: "GET", path, query: { $select: READ_SELECT }, signal }),
    ]);
  }
  const parsed = await parseMessage(raw, readOptions(args));
  return {
    ...parsed,
    id: args.message_id,
    thread_id: meta.conversationId ?? null,
    folder: await context.folders.nameOf(meta.parentFolderId, signal),
    date: parsed.date ?? new Date(meta.receivedDateTime ?? 0).toISOString(),
    unread: meta.isRead === false,
  };
}

// One message: its raw source (format raw) parsed like every provider's, its labels giving the
// folder and unread; only an explicit mark_as_read removes UNREAD, and the result shows the state
// after the call.
import type { ReadEmailArgs, ReadEmailOutput } from "@mcpemails/generated";
import { parseMessage, readOptions } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { folderOf, receivedAt } from "../gmail-message.js";
import { rawMessage } from "../gmail-raw.js";

export async function readEmail(context: GmailContext, args: ReadEmailArgs, call: ToolCall): Promise<ReadEmailOutput> {
  const { calls } = context;
  const { message, raw } = await rawMessage(context, args.message_id, call.signal);
  const parsed = await parseMessage(raw, readOptions(args));
  const labelIds = message.labelIds ?? [];
  const unread = labelIds.includes("UNREAD");
  if (args.mark_as_read && unread)
    await calls.call(
      (options) =>
        calls.api.users.messages.modify(
          { userId: "me", id: args.message_id, requestBody: { removeLabelIds: ["UNREAD"] } },
          options,
        ),
      call.signal,
      true,
    );
  const { date, ...fromSource } = parsed;
  return {
    ...fromSource,
    id: message.id ?? args.message_id,
    thread_id: message.threadId ?? null,
    folder: folderOf(labelIds),
    date: date ?? receivedAt(message),
    unread: unread && !args.mark_as_read,
  };
}

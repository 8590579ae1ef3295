// A thread by threads.get (format minimal: ids and dates), each message read as read_email reads it.
// Gmail's ids are hexadecimal: anything else names no thread and costs no request.
import type { GetThreadArgs } from "@mcpemails/generated";
import { ProviderFailure } from "../../core/provider-failure.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { readThread } from "../../core/thread-reading.js";
import type { GmailContext } from "../gmail-context.js";
import { readEmail } from "./read-email.js";

export async function getThread(context: GmailContext, args: GetThreadArgs, call: ToolCall) {
  if (!/^[0-9a-f]{1,64}$/iu.test(args.thread_id)) throw new ProviderFailure("not_found", "Gmail has no such thread");
  const { calls } = context;
  const thread = (
    await calls.call(
      (options) => calls.api.users.threads.get({ userId: "me", id: args.thread_id, format: "minimal" }, options),
      call.signal,
      true,
    )
  ).data;
  const members = (thread.messages ?? []).flatMap((message) =>
    message.id ? [{ id: message.id, dateMs: Number(message.internalDate ?? 0) }] : [],
  );
  return readThread(args, members, (read) => readEmail(context, read, call));
}

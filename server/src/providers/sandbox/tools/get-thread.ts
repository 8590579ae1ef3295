// The messages of every folder with the thread's id, read as read_email reads them.
import type { GetThreadArgs } from "@mcpemails/generated";
import type { ToolCall } from "../../core/provider-tools.js";
import { readThread } from "../../core/thread-reading.js";
import { loadSummaries, type SandboxContext } from "../sandbox-context.js";
import { readEmail } from "./read-email.js";

export async function getThread(context: SandboxContext, args: GetThreadArgs, call: ToolCall) {
  const members = (await loadSummaries(context, context.inbox.id))
    .filter((entry) => entry.data.thread_id === args.thread_id)
    .map((entry) => ({ id: entry.message.id, dateMs: Date.parse(entry.message.date) || 0 }));
  return readThread(args, members, (read) => readEmail(context, read, call));
}

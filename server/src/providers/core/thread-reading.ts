// get_thread on every provider: the provider finds the thread's messages (ids and dates), and this
// reads them with the provider's own read_email, so that each message is what read_email answers.
// Within the spec's bounds, the newest are kept (oldest first in the answer): a thread is read for
// what was said last.
import {
  LIMITS,
  threadNotFound,
  type ExecutionErrorResult,
  type GetThreadArgs,
  type GetThreadErrorCode,
  type GetThreadOutput,
  type ReadEmailArgs,
  type ReadEmailErrorCode,
  type ReadEmailOutput,
} from "@mcpemails/generated";
import { ProviderFailure } from "./provider-failure.js";

export interface ThreadMember {
  id: string;
  /** When it was sent or received, in ms; orders the thread. */
  dateMs: number;
}

export type ReadOne = (args: ReadEmailArgs) => Promise<ReadEmailOutput | ExecutionErrorResult<ReadEmailErrorCode>>;

export async function readThread(
  args: GetThreadArgs,
  members: readonly ThreadMember[],
  read: ReadOne,
): Promise<GetThreadOutput | ExecutionErrorResult<GetThreadErrorCode>> {
  const newestFirst = [...members].sort((a, b) => b.dateMs - a.dateMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const kept: ReadEmailOutput[] = [];
  let bodyChars = 0;
  let gone = 0;
  for (const member of newestFirst) {
    if (kept.length === LIMITS.get_thread_max_messages) break;
    const message = await readOrGone(read, {
      inbox_id: args.inbox_id,
      message_id: member.id,
      include_html: false,
      include_attachments: false,
      mark_as_read: false,
      body_format: args.body_format,
      strip_quoted: args.strip_quoted,
    });
    // Deleted or moved since the thread was listed: the thread no longer has it.
    if (message === "gone") {
      gone += 1;
      continue;
    }
    if ("isError" in message) return message;
    const chars = [...message.body_text].length;
    if (kept.length > 0 && bodyChars + chars > LIMITS.get_thread_max_body_chars) break;
    bodyChars += chars;
    kept.push(message);
  }
  const messageCount = members.length - gone;
  if (kept.length === 0) return threadNotFound({ thread_id: args.thread_id, inbox_id: args.inbox_id });
  return {
    thread_id: args.thread_id,
    messages: kept.reverse(),
    message_count: messageCount,
    truncated: kept.length < messageCount,
  };
}

/** The provider's read, with a message gone (thrown or answered) as "gone". */
async function readOrGone(
  read: ReadOne,
  args: ReadEmailArgs,
): Promise<ReadEmailOutput | ExecutionErrorResult<Exclude<ReadEmailErrorCode, "message_not_found">> | "gone"> {
  try {
    const message = await read(args);
    if (!("isError" in message)) return message;
    return message.errorCode === "message_not_found"
      ? "gone"
      : (message as ExecutionErrorResult<Exclude<ReadEmailErrorCode, "message_not_found">>);
  } catch (error) {
    if (error instanceof ProviderFailure && error.kind === "not_found") return "gone";
    throw error;
  }
}

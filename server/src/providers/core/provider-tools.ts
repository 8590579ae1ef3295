// A provider as the registry sees it (a MailProvider), put together from one module per tool: the
// one place where the failure taxonomy (provider-failure.ts) meets the error catalogue, where a
// search gets its deadline, and where a send's outcome is decided to be "nothing sent" or "unknown".
//
// - The caller's own abort (its client went away) is rethrown: nobody waits for the answer, even
//   when the tool finished anyway (a read never resolves normally for a caller gone).
// - A search the deadline ended answers search_timeout, whatever the service was doing.
// - auth -> auth_failed; not_found -> message_not_found for a tool given a message id,
//   thread_not_found for one given a thread id, draft_not_found for one given a draft id.
// - A send answers deliveryStatus "unknown" only when it had handed the message over
//   (call.handingOver()) and then got no answer (unavailable) or failed in this server's own code;
//   before that, or when the service answered no, "Nothing was sent".
// - A tool's other exceptions (this server's bugs, ParameterError) are rethrown, never put in the
//   service's mouth: the MCP layer answers -32602 or -32603.
import {
  authFailed,
  draftNotFound,
  LIMITS,
  messageNotFound,
  providerError,
  searchTimeout,
  threadNotFound,
  type ExecutionErrorResult,
} from "@mcpemails/generated";
import type { OutgoingCheck } from "../../send-policy/check-outgoing.js";
import type { ClosableProvider, MailProvider } from "../provider.js";
import { callDeadline } from "./call-deadline.js";
import { ProviderFailure } from "./provider-failure.js";

export interface ToolCall {
  /** The caller's signal, with the call's deadline for a search: pass it to everything waited on. */
  readonly signal: AbortSignal;
  /** A send says so as it hands the message to the service: from here on, no answer may mean sent. */
  handingOver(): void;
  /** A send's policy check of the message it would hand over (no refusal without a policy): answer its refusal, send nothing. */
  checkOutgoing: OutgoingCheck;
}

type ToolName = keyof MailProvider;
type ArgsOf<T extends ToolName> = Parameters<MailProvider[T]>[0];
type ResultOf<T extends ToolName> = Awaited<ReturnType<MailProvider[T]>>;

/** One tool of one provider: its context (clients, settings, caches), the tool's arguments, the call. */
export type ProviderTool<C, T extends ToolName> = (context: C, args: ArgsOf<T>, call: ToolCall) => Promise<ResultOf<T>>;

export type ProviderTools<C> = { [T in ToolName]: ProviderTool<C, T> };

export interface ProviderParts<C> {
  /** The service, as a caller reads it in a detail: "Gmail", "Microsoft Graph", "the mail server". */
  service: string;
  context: C;
  tools: ProviderTools<C>;
  /** A service's error in the taxonomy; undefined for anything that is not the service's (a bug of ours). */
  classify(error: unknown): ProviderFailure | undefined;
  close?(): Promise<void>;
}

const SENDS: ReadonlySet<ToolName> = new Set(["send_email", "reply_to_email", "send_draft"]);

export function assembleProvider<C>(parts: ProviderParts<C>): ClosableProvider {
  const run = async <T extends ToolName>(
    tool: T,
    args: ArgsOf<T>,
    caller: AbortSignal,
    checkOutgoing: OutgoingCheck = () => undefined,
  ): Promise<ResultOf<T>> => {
    const deadline = callDeadline(caller, tool === "search_emails" ? LIMITS.search_timeout_seconds : undefined);
    const send = SENDS.has(tool);
    let handedOver = false;
    const call: ToolCall = { signal: deadline.signal, handingOver: () => void (handedOver = true), checkOutgoing };
    try {
      const running = (parts.tools[tool] as ProviderTool<C, T>)(parts.context, args, call);
      if (send) return await running;
      // A read is answered when its caller leaves or its deadline passes, whatever it is waiting on
      // (a store read or a server that takes no signal); what it finishes later is dropped.
      running.catch(() => undefined);
      const ended = endOf(deadline.signal);
      try {
        const result = await Promise.race([running, ended.promise]);
        deadline.signal.throwIfAborted();
        return result;
      } finally {
        ended.dispose();
      }
    } catch (error) {
      // Nobody waits for the answer of a caller gone; a send already handed over still settles its
      // outcome below, so that its idempotency key and quota stay with a message that may have left.
      if (caller.aborted && !(send && handedOver)) throw error;
      if (deadline.expired) return searchTimeout({ timeoutSeconds: LIMITS.search_timeout_seconds }) as ResultOf<T>;
      const failure = error instanceof ProviderFailure ? error : parts.classify(error);
      if (failure === undefined) {
        if (send && handedOver)
          return outcomeUnknown(
            `this server failed after handing the message to ${parts.service}`,
            parts.service,
          ) as ResultOf<T>;
        throw error;
      }
      return answerFor(failure, args, { send, handedOver, service: parts.service }) as ResultOf<T>;
    } finally {
      deadline.done();
    }
  };
  return {
    list_inbox: (args, signal) => run("list_inbox", args, signal),
    read_email: (args, signal) => run("read_email", args, signal),
    search_emails: (args, signal) => run("search_emails", args, signal),
    send_email: (args, signal, check) => run("send_email", args, signal, check),
    reply_to_email: (args, signal, check) => run("reply_to_email", args, signal, check),
    list_folders: (args, signal) => run("list_folders", args, signal),
    get_thread: (args, signal) => run("get_thread", args, signal),
    get_attachment: (args, signal) => run("get_attachment", args, signal),
    create_draft: (args, signal) => run("create_draft", args, signal),
    update_draft: (args, signal) => run("update_draft", args, signal),
    delete_draft: (args, signal) => run("delete_draft", args, signal),
    send_draft: (args, signal, check) => run("send_draft", args, signal, check),
    close: async () => parts.close?.(),
  };
}

function answerFor(
  failure: ProviderFailure,
  args: { inbox_id: string; message_id?: string; thread_id?: string; draft_id?: string },
  call: { send: boolean; handedOver: boolean; service: string },
): ExecutionErrorResult<
  "auth_failed" | "message_not_found" | "thread_not_found" | "draft_not_found" | "provider_error"
> {
  if (failure.kind === "auth") return authFailed({ inbox_id: args.inbox_id });
  if (failure.kind === "not_found" && args.message_id !== undefined)
    return messageNotFound({ message_id: args.message_id, inbox_id: args.inbox_id });
  if (failure.kind === "not_found" && args.draft_id !== undefined)
    return draftNotFound({ draft_id: args.draft_id, inbox_id: args.inbox_id });
  if (failure.kind === "not_found" && args.thread_id !== undefined)
    return threadNotFound({ thread_id: args.thread_id, inbox_id: args.inbox_id });
  if (call.send && call.handedOver && !failure.refusedBeforeActing) return outcomeUnknown(failure.detail, call.service);
  // Within the catalogue's 1 s to 1 day: a service may name a wait past a day (Gmail's sending limit).
  const retryAfter =
    failure.retryAfterSeconds === undefined
      ? {}
      : { retryAfter: Math.min(86_400, Math.max(1, Math.ceil(failure.retryAfterSeconds))) };
  const detail = call.send ? `${failure.detail.replace(/\.+$/u, "")}. Nothing was sent.` : failure.detail;
  return providerError({ detail, ...retryAfter });
}

function outcomeUnknown(detail: string, service: string): ExecutionErrorResult<"provider_error"> {
  return providerError({
    detail: `${detail}; the outcome is unknown: ${service} may have sent the message. Check SENT before sending again.`,
    deliveryStatus: "unknown",
  });
}

/**
 * Rejects with the signal's reason once it aborts; dispose() takes its listener off the signal when
 * the call is over (a caller's signal may outlive many calls: a batch's, a client's).
 */
function endOf(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let listener: (() => void) | undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else {
      listener = () => reject(signal.reason as Error);
      signal.addEventListener("abort", listener, { once: true });
    }
  });
  return { promise, dispose: () => listener && signal.removeEventListener("abort", listener) };
}

// The answers to one HTTP request's JSON-RPC messages, each serialized once. A batch is held to
// the spec's request bounds: every element costs one request in the rate windows, and once the
// answers reach transport.max_response_bytes the remaining elements are not run.
import { rateLimited, responseTooLarge, TRANSPORT } from "@mcpemails/generated";
import { checkRateLimit } from "../limits/rate-limit.js";
import { handleRequest, storeFailed, type RequestContext, type RequestDeps } from "./handle-request.js";
import { classify, errorResponse, type IncomingMessage, type JsonRpcResponse } from "./jsonrpc.js";
import { serializeResponse } from "./serialize-response.js";

/** The answer to a message sent alone: none for a notification or a client's response. */
export async function answerOne(
  message: IncomingMessage,
  context: RequestContext,
  deps: RequestDeps,
): Promise<string[]> {
  const response = await respond(message, context, deps);
  return response === undefined ? [] : [serializeResponse(response)];
}

export async function answerBatch(elements: unknown[], context: RequestContext, deps: RequestDeps): Promise<string[]> {
  const answers: string[] = [];
  let answerBytes = 0;
  for (const element of elements) {
    const message = classify(element);
    const response =
      answerBytes >= TRANSPORT.max_response_bytes
        ? notRun(message)
        : ((await refusedByRateWindows(message, context, deps)) ?? (await respond(message, context, deps)));
    if (response === undefined) continue;
    const answer = serializeResponse(response);
    answerBytes += Buffer.byteLength(answer);
    answers.push(answer);
  }
  return answers;
}

async function respond(
  message: IncomingMessage,
  context: RequestContext,
  deps: RequestDeps,
): Promise<JsonRpcResponse | undefined> {
  if (message.kind === "invalid") return errorResponse(message.id, message.error);
  if (message.kind === "request") return handleRequest(message.id, message.method, message.params, context, deps);
  return undefined;
}

function notRun(message: IncomingMessage): JsonRpcResponse | undefined {
  if (message.kind !== "request" && message.kind !== "invalid") return undefined;
  const limitBytes = TRANSPORT.max_response_bytes;
  return errorResponse(
    message.id,
    responseTooLarge(
      `Response too large: the batch's answers reached ${limitBytes} bytes, so this element was not run. Send it again on its own or in a smaller batch.`,
      { limitBytes },
    ),
  );
}

/**
 * Charges an element other than tools/call (which charges itself) one request in the rate windows;
 * a request the windows refuse is answered rate_limited, and others get the answer they would have had.
 */
async function refusedByRateWindows(
  message: IncomingMessage,
  context: RequestContext,
  deps: RequestDeps,
): Promise<JsonRpcResponse | undefined> {
  if (message.kind === "request" && message.method === "tools/call") return undefined;
  let limited: Awaited<ReturnType<typeof checkRateLimit>>;
  try {
    limited = await checkRateLimit(deps.store, context.caller.keyId, deps.now().getTime(), context.rateWindows);
  } catch (error) {
    deps.log.error({ err: error }, "rate limit check failed");
    return message.kind === "request"
      ? errorResponse(message.id, storeFailed("the rate limits could not be checked"))
      : undefined;
  }
  if (limited === undefined || message.kind !== "request") return undefined;
  const { retryAfter, window, limit } = limited;
  return errorResponse(
    message.id,
    rateLimited(`Rate limited: ${limit} requests per ${window} reached; retry after ${retryAfter} seconds.`, {
      retryAfter,
      window,
      limit,
    }),
  );
}

// One JSON-RPC message of a stateless revision (2026-07-28 on) -> its HTTP status and response:
// server/discover, tools/list and tools/call; every other method is 404 (initialize and ping
// are gone). tools/list and tools/call run exactly as in the initialize revisions (rate windows,
// scopes, quotas, activity), then take the new revision's shape.
import {
  DISCOVER_RESULT,
  invalidRequest,
  methodNotFound,
  PROTOCOL_ERRORS,
  TRANSPORT,
  type InvalidParamsData,
} from "@mcpemails/generated";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { IncomingHttpHeaders } from "node:http";
import { handleRequest, SERVER_INSTRUCTIONS, type RequestContext, type RequestDeps } from "./handle-request.js";
import { classify, errorResponse, resultResponse, type JsonRpcResponse } from "./jsonrpc.js";
import { checkEnvelope } from "./stateless-envelope.js";

const { stateless } = TRANSPORT;

export interface StatelessAnswer {
  status: number;
  /** Undefined for a notification or a client's response: HTTP 202 with no body. */
  response?: JsonRpcResponse;
}

export async function handleStatelessMessage(
  message: unknown,
  headers: IncomingHttpHeaders,
  context: Omit<RequestContext, "revision">,
  deps: RequestDeps,
): Promise<StatelessAnswer> {
  const incoming = classify(message);
  if (incoming.kind === "invalid")
    return { status: PROTOCOL_ERRORS.invalid_request.httpStatus, response: errorResponse(incoming.id, incoming.error) };
  if (incoming.kind !== "request") return { status: 202 };
  const { id, method, params } = incoming;
  const envelope = checkEnvelope(headers, method, params);
  if (!envelope.ok) return { status: envelope.status, response: errorResponse(id, envelope.error) };
  if (!(stateless.jsonrpc_methods as readonly string[]).includes(method))
    return {
      status: stateless.unknown_method_http_status,
      response: errorResponse(
        id,
        methodNotFound(
          `Method not found: ${method}${method === "initialize" || method === "ping" ? ` is not part of MCP ${envelope.revision}` : ""}.`,
          { method },
        ),
      ),
    };
  if (method === "server/discover") return { status: 200, response: resultResponse(id, discoverResult(deps)) };
  const response = await handleRequest(id, method, params, { ...context, revision: envelope.revision }, deps);
  return { status: 200, response: method === "tools/call" ? asToolResult(id, response) : complete(response) };
}

function discoverResult(deps: RequestDeps): object {
  return {
    ...DISCOVER_RESULT,
    instructions: SERVER_INSTRUCTIONS,
    _meta: { [stateless.meta.server_info]: deps.serverInfo },
  };
}

/** Every result of a stateless revision says it is complete (there are no partial results here). */
function complete(response: JsonRpcResponse): JsonRpcResponse {
  if (!("result" in response)) return response;
  return { ...response, result: { resultType: "complete", ...response.result } };
}

/**
 * In these revisions a tool's input validation failure is a tool result the model can read and
 * correct (decision validation-errors): -32602 becomes isError with errorCode invalid_params and
 * the same parameter and rule, as the other execution errors carry their fields.
 */
function asToolResult(id: RequestId, response: JsonRpcResponse): JsonRpcResponse {
  if (!("error" in response) || response.error.code !== PROTOCOL_ERRORS.invalid_params.code) return complete(response);
  const data = response.error.data as Partial<InvalidParamsData> | undefined;
  return resultResponse(id, {
    resultType: "complete",
    content: [{ type: "text", text: response.error.message }],
    isError: true,
    errorCode: "invalid_params",
    ...(data?.parameter === undefined ? {} : { parameter: data.parameter }),
    ...(data?.rule === undefined ? {} : { rule: data.rule }),
  });
}

/** A batch cannot carry a stateless request: those revisions have no batches. */
export function statelessBatchRefused(): JsonRpcResponse {
  return errorResponse(
    null,
    invalidRequest(
      `Invalid Request: MCP ${stateless.revisions[0]} has no JSON-RPC batches; send each request on its own.`,
    ),
  );
}

// The JSON-RPC 2.0 envelope: telling requests from notifications and building responses. The
// SDK's types describe the messages; the checks are written here because the SDK's schemas
// would turn a malformed request into its own error codes rather than the spec's.
import { invalidRequest, type JsonRpcError } from "@mcpemails/generated";
import type { JSONRPCErrorResponse, JSONRPCResultResponse, RequestId } from "@modelcontextprotocol/sdk/types.js";

export type JsonRpcResponse = JSONRPCResultResponse | JSONRPCErrorResponse;

export type IncomingMessage =
  | { kind: "request"; id: RequestId; method: string; params: unknown }
  | { kind: "notification"; method: string }
  /** A response from the client (to a server request); this server sends none, so it is ignored. */
  | { kind: "response" }
  | { kind: "invalid"; id: RequestId | null; error: JsonRpcError };

export function classify(message: unknown): IncomingMessage {
  if (message === null || typeof message !== "object" || Array.isArray(message)) {
    return {
      kind: "invalid",
      id: null,
      error: invalidRequest("Invalid Request: a JSON-RPC message must be an object."),
    };
  }
  const m = message as Record<string, unknown>;
  const id = typeof m.id === "string" || (typeof m.id === "number" && Number.isFinite(m.id)) ? m.id : null;
  if (m.jsonrpc !== "2.0")
    return { kind: "invalid", id, error: invalidRequest('Invalid Request: "jsonrpc" must be "2.0".') };
  if (m.method === undefined && ("result" in m || "error" in m)) return { kind: "response" };
  if (typeof m.method !== "string")
    return { kind: "invalid", id, error: invalidRequest('Invalid Request: "method" must be a string.') };
  if (!("id" in m)) return { kind: "notification", method: m.method };
  if (id === null)
    return { kind: "invalid", id: null, error: invalidRequest('Invalid Request: "id" must be a string or a number.') };
  if (m.params !== undefined && (m.params === null || typeof m.params !== "object")) {
    return { kind: "invalid", id, error: invalidRequest('Invalid Request: "params" must be an object.') };
  }
  return { kind: "request", id, method: m.method, params: m.params };
}

export function resultResponse(id: RequestId, result: object): JsonRpcResponse {
  return { jsonrpc: "2.0", id, result: result as JSONRPCResultResponse["result"] };
}

export function errorResponse(id: RequestId | null, error: JsonRpcError): JsonRpcResponse {
  const body: JSONRPCErrorResponse["error"] = { code: error.code, message: error.message };
  if (error.data !== undefined) body.data = error.data;
  // JSON-RPC 2.0: the id is null when the request's id could not be read.
  return { jsonrpc: "2.0", id, error: body } as JSONRPCErrorResponse;
}

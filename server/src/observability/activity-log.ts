// The activity log of agent calls that the dashboard shows: one entry per tools/call with the key,
// the tool, the inbox, the outcome and the duration; never arguments or content. Written after the
// answer is known and off the answer's path: a store that fails to record loses an entry, never a call.
import { TOOL_NAMES } from "@mcpemails/generated";
import type { FastifyBaseLogger } from "fastify";
import type { Caller } from "@mcpemails/generated";
import type { Store } from "../store/store.js";
import type { JsonRpcResponse } from "../mcp/jsonrpc.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

const PROTOCOL_ERROR_NAMES: Record<number, string> = {
  [-32700]: "parse_error",
  [-32600]: "invalid_request",
  [-32601]: "method_not_found",
  [-32602]: "invalid_params",
  [-32603]: "internal_error",
};

/** "ok", an execution error's code, or a protocol error's name. */
export function outcomeOf(response: JsonRpcResponse): string {
  if ("error" in response && response.error !== undefined) {
    const data = response.error.data as { code?: unknown } | undefined;
    if (typeof data?.code === "string" && /^[a-z_]{1,64}$/u.test(data.code)) return data.code;
    return PROTOCOL_ERROR_NAMES[response.error.code] ?? `error_${response.error.code}`;
  }
  const result = (response as { result?: { isError?: boolean; errorCode?: unknown } }).result;
  if (result?.isError !== true) return "ok";
  return typeof result.errorCode === "string" ? result.errorCode : "tool_error";
}

export function recordCall(
  store: Store,
  log: FastifyBaseLogger,
  call: { caller: Caller; name: unknown; args: unknown; response: JsonRpcResponse; at: Date; durationMs: number },
): void {
  const tool = (TOOL_NAMES as readonly unknown[]).includes(call.name) ? String(call.name) : "unknown";
  const inboxId = (call.args as { inbox_id?: unknown } | undefined)?.inbox_id;
  store
    .recordActivity({
      workspaceId: call.caller.workspaceId,
      at: call.at.toISOString(),
      keyId: call.caller.keyId,
      tool,
      inboxId: typeof inboxId === "string" && UUID.test(inboxId) ? inboxId.toLowerCase() : null,
      outcome: outcomeOf(call.response),
      durationMs: Math.round(call.durationMs),
    })
    .catch((error: unknown) => log.warn({ err: error }, "could not record a call in the activity log"));
}

// Raw JSON-RPC over HTTP to any /mcp URL, as an MCP client would send it, for tests that talk to
// several server instances (the test-support helpers are bound to one TestServer). Every answer
// goes to the LeakWatch given, if any.
import type { LeakWatch } from "./leak-watch.js";

export interface McpAnswer {
  status: number;
  text: string;
  json: unknown;
}

export interface McpPostOptions {
  key?: string | null;
  headers?: Record<string, string>;
  revision?: string;
  watch?: LeakWatch | undefined;
}

export async function mcpPost(url: string, body: unknown, options: McpPostOptions = {}): Promise<McpAnswer> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...options.headers,
  };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.revision !== undefined) headers["mcp-protocol-version"] = options.revision;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  options.watch?.record(`answer ${response.status}`, text);
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

export function toolCallBody(name: string, args: unknown, id: number | string = 1) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

export type ToolOutcome = Record<string, unknown>;

/**
 * A tools/call in a revision with structured output: the output on success, the execution error
 * result (isError, errorCode, ...) otherwise; a JSON-RPC error comes back as {rpcError}; an HTTP
 * refusal before JSON-RPC (401, 403...) as {httpStatus, rpcError}.
 */
export async function callTool(
  url: string,
  key: string,
  name: string,
  args: unknown,
  id: number | string = 1,
  watch?: LeakWatch,
): Promise<ToolOutcome> {
  const answer = await mcpPost(url, toolCallBody(name, args, id), { key, revision: "2025-06-18", watch });
  const json = answer.json as
    { result?: ToolOutcome & { structuredContent?: ToolOutcome }; error?: unknown } | undefined;
  if (answer.status !== 200) return { httpStatus: answer.status, rpcError: json?.error };
  if (json?.error !== undefined) return { rpcError: json.error };
  const result = json?.result;
  if (result === undefined) throw new Error(`no JSON-RPC result in ${answer.text.slice(0, 300)}`);
  return result.isError === true ? result : (result.structuredContent ?? result);
}

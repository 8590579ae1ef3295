// A JSON-RPC response as the bytes sent. A tools/call result carries its output twice, as
// structuredContent and as the JSON text of the content block, which the dispatcher made with
// JSON.stringify(output): that text is spliced in as structuredContent rather than serializing the
// output a second time (the largest part of most answers).
import type { JsonRpcResponse } from "./jsonrpc.js";

export function serializeResponse(response: JsonRpcResponse): string {
  const text = structuredText(response);
  if (text === undefined) return JSON.stringify(response);
  return `{"jsonrpc":"2.0","id":${JSON.stringify(response.id)},"result":{"content":[{"type":"text","text":${JSON.stringify(text)}}],"structuredContent":${text}}}`;
}

/** The text block of a result that holds exactly one text block and structuredContent, and nothing else. */
function structuredText(response: JsonRpcResponse): string | undefined {
  if (!("result" in response)) return undefined;
  const result = response.result as { content?: unknown; structuredContent?: unknown };
  if (result.structuredContent === undefined || Object.keys(result).length !== 2) return undefined;
  const content = result.content;
  if (!Array.isArray(content) || content.length !== 1) return undefined;
  const block = content[0] as { type?: unknown; text?: unknown };
  if (block.type !== "text" || typeof block.text !== "string" || Object.keys(block).length !== 2) return undefined;
  return block.text;
}

import { describe, expect, it } from "vitest";
import { serializeResponse } from "./serialize-response.js";

describe("a response's bytes", () => {
  it("are a tools/call result's, with its output written once and read back the same", () => {
    const output = { messages: [{ subject: 'Quotes " and \\ and \u2028 and émoji 😀', n: 1 }], next_offset: null };
    const response = {
      jsonrpc: "2.0" as const,
      id: "call-1",
      result: { content: [{ type: "text", text: JSON.stringify(output) }], structuredContent: output },
    };
    const bytes = serializeResponse(response);
    expect(JSON.parse(bytes)).toEqual(response);
    expect(bytes).toBe(JSON.stringify(response));
  });

  it("are plain JSON for any other response: errors, results without structured output, results with more fields", () => {
    const error = { jsonrpc: "2.0" as const, id: 7, error: { code: -32602, message: "bad" } };
    const textOnly = { jsonrpc: "2.0" as const, id: 8, result: { content: [{ type: "text", text: "{}" }] } };
    const withMore = {
      jsonrpc: "2.0" as const,
      id: 9,
      result: { content: [{ type: "text", text: '{"a":1}' }], structuredContent: { a: 1 }, resultType: "complete" },
    };
    for (const response of [error, textOnly, withMore])
      expect(serializeResponse(response)).toBe(JSON.stringify(response));
  });
});

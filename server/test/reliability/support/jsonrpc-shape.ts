// What every answer of /mcp must be, whatever it was sent: a JSON-RPC 2.0 response (or a batch of
// them), each with exactly one of result and error, an error with an integer code and a message;
// as JSON, or as the data of server-sent events when the client accepts only a stream.
// Written out rather than taken from the MCP SDK's schemas, which reject the null id that JSON-RPC
// requires when a request's id could not be read.
export function jsonRpcAnswerProblems(status: number, text: string): string[] {
  if (status >= 500) return [`HTTP ${status}`];
  if (status === 202) return text === "" ? [] : ["a 202 with a body"];
  if (text.startsWith("event: ")) return sseProblems(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`HTTP ${status} with a body that is not JSON: ${text.slice(0, 120)}`];
  }
  if (Array.isArray(body)) {
    if (body.length === 0) return ["an empty batch answer"];
    return body.flatMap((item, index) => responseProblems(item).map((problem) => `[${index}] ${problem}`));
  }
  return responseProblems(body);
}

function responseProblems(value: unknown): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return ["not an object"];
  const response = value as Record<string, unknown>;
  const problems: string[] = [];
  if (response.jsonrpc !== "2.0") problems.push('jsonrpc is not "2.0"');
  const id = response.id;
  if (!(id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id))))
    problems.push("id is not a string, number or null");
  const extra = Object.keys(response).filter((key) => !["jsonrpc", "id", "result", "error"].includes(key));
  if (extra.length > 0) problems.push(`unexpected members ${extra.join(", ")}`);
  if ("result" in response === "error" in response) return [...problems, "not exactly one of result and error"];
  if ("error" in response) {
    const error = response.error as Record<string, unknown> | null;
    if (error === null || typeof error !== "object") return [...problems, "error is not an object"];
    if (!Number.isInteger(error.code)) problems.push("error.code is not an integer");
    if (typeof error.message !== "string" || error.message === "")
      problems.push("error.message is not a non-empty string");
  } else {
    if (id === null) problems.push("a result with a null id");
    const result = response.result;
    if (result === null || typeof result !== "object" || Array.isArray(result))
      return [...problems, "result is not an object"];
    const { isError, content } = result as Record<string, unknown>;
    if (isError !== undefined && (isError !== true || !Array.isArray(content)))
      problems.push("an execution error without isError true and content");
  }
  return problems;
}

function sseProblems(text: string): string[] {
  const events = text.split("\n\n").filter((event) => event !== "");
  if (events.length === 0) return ["an event stream without events"];
  return events.flatMap((event, index) => {
    const match = /^event: message\ndata: (.*)$/s.exec(event);
    if (match?.[1] === undefined) return [`event ${index} is not "event: message" with one data line`];
    return jsonRpcAnswerProblems(200, match[1]).map((problem) => `event ${index}: ${problem}`);
  });
}

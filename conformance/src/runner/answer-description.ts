// How a failure message names what the server answered instead.

export function describeAnswer(answer: {
  status: number;
  result?: { errorCode?: unknown; isError?: unknown };
  error?: { code: number; data?: unknown };
}): string {
  if (answer.error) return `JSON-RPC error ${answer.error.code} ${JSON.stringify(answer.error.data ?? null)}`;
  if (answer.result?.isError === true) return `error result ${String(answer.result.errorCode)}`;
  if (answer.result) return "a successful result";
  return `HTTP ${answer.status} without a JSON-RPC answer`;
}

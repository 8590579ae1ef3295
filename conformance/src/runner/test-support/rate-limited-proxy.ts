// A server with the spec's rate limits on a faster clock, for the runner's own tests: a proxy that
// counts what the spec counts (every tools/call, every element of a batch) in one rolling window
// and refuses a tools/call past its limit as the spec says (rate_limit_exceeded with window, limit
// and retryAfter), without forwarding it; a batch always passes, and counts. It names the spec's window ("minute") but
// lets it pass in windowMs, so that a run planned for minutes of limits takes seconds.
import { forwardedRequestHeaders, parseJson, passedResponseHeaders, readBody, serveOnLoopback } from "./proxy-http.js";

export interface RateLimitedProxy {
  url: string;
  /** Requests let through and counted, and tools/call refused. */
  counts: { counted: number; refused: number };
  close(): Promise<void>;
}

export async function startRateLimitedProxy(
  targetUrl: string,
  window: { name: string; limit: number; windowMs: number },
): Promise<RateLimitedProxy> {
  const admitted: number[] = [];
  const counts = { counted: 0, refused: 0 };
  const inWindow = (now: number) => {
    while (admitted.length > 0 && (admitted[0] ?? 0) <= now - window.windowMs) admitted.shift();
    return admitted.length;
  };
  const proxy = await serveOnLoopback(async (incoming, outgoing) => {
    const text = await readBody(incoming);
    const message = parseJson(text) as { id?: unknown; method?: string } | { method?: string }[] | undefined;
    const cost = Array.isArray(message) ? message.length : message?.method === "tools/call" ? 1 : 0;
    const now = Date.now();
    if (cost > 0 && inWindow(now) + cost > window.limit && !Array.isArray(message)) {
      counts.refused++;
      const oldest = admitted[admitted.length - window.limit] ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + window.windowMs - now) / 1000));
      outgoing.writeHead(200, { "content-type": "application/json" });
      outgoing.end(
        JSON.stringify({
          jsonrpc: "2.0",
          id: message?.id ?? null,
          result: {
            content: [{ type: "text", text: `Rate limit exceeded: ${window.limit} per ${window.name}.` }],
            isError: true,
            errorCode: "rate_limit_exceeded",
            retryAfter,
            window: window.name,
            limit: window.limit,
          },
        }),
      );
      return;
    }
    for (let i = 0; i < cost; i++) admitted.push(now);
    counts.counted += cost;
    const headers = forwardedRequestHeaders(incoming);
    const response = await fetch(targetUrl, { method: incoming.method ?? "POST", headers, body: text });
    const answer = Buffer.from(await response.arrayBuffer());
    outgoing.writeHead(response.status, passedResponseHeaders(response));
    outgoing.end(answer);
  });
  return {
    ...proxy,
    counts,
  };
}

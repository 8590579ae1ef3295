// A deliberately broken server for the runner's own tests: an HTTP proxy in front of a real one
// that rewrites the answers a test chooses, so that each test breaks exactly one rule.
import { forwardedRequestHeaders, parseJson, passedResponseHeaders, readBody, serveOnLoopback } from "./proxy-http.js";

export interface ProxiedExchange {
  /** The JSON-RPC request, or undefined when the body was not JSON. */
  request: { method?: string; params?: { name?: string; arguments?: Record<string, unknown> } } | undefined;
  status: number;
  headers: Record<string, string>;
  /** The JSON-RPC answer, or undefined for an empty or non-JSON body. */
  body: unknown;
}

/** Returns the exchange to send instead, or undefined to pass the answer through unchanged. */
export type Mangle = (exchange: ProxiedExchange) => ProxiedExchange | undefined;

export interface ManglingProxy {
  url: string;
  close(): Promise<void>;
}

/** Returns the JSON-RPC request to forward instead, or undefined to forward it unchanged. */
export type RewriteRequest = (request: ProxiedExchange["request"]) => unknown;

/** Changes the headers forwarded with a request (in place), given its parsed body. */
export type RewriteHeaders = (headers: Record<string, string>, body: unknown) => void;

export async function startManglingProxy(
  targetUrl: string,
  mangle: Mangle,
  rewriteRequest: RewriteRequest = () => undefined,
  rewriteHeaders: RewriteHeaders = () => undefined,
): Promise<ManglingProxy> {
  return serveOnLoopback(async (incoming, outgoing) => {
    const received = await readBody(incoming);
    const rewritten = rewriteRequest(parseJson(received) as ProxiedExchange["request"]);
    const requestText = rewritten === undefined ? received : JSON.stringify(rewritten);
    const headers = forwardedRequestHeaders(incoming);
    // JSON only: the runner accepts SSE too, but the proxy's rewrites are easier on plain JSON.
    headers.accept = "application/json, text/event-stream";
    rewriteHeaders(headers, parseJson(requestText));
    const response = await fetch(targetUrl, { method: incoming.method ?? "POST", headers, body: requestText });
    const text = await response.text();
    const original: ProxiedExchange = {
      request: parseJson(requestText) as ProxiedExchange["request"],
      status: response.status,
      headers: passedResponseHeaders(response),
      body: parseJson(text),
    };
    const changed = mangle(structuredClone(original));
    const answer = changed ?? original;
    const body = changed === undefined ? text : answer.body === undefined ? "" : JSON.stringify(answer.body);
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(body);
  });
}

/** The tool result of a tools/call answer, for mangles that edit it in place. */
export function toolResultOf(exchange: ProxiedExchange): Record<string, unknown> | undefined {
  return (exchange.body as { result?: Record<string, unknown> } | undefined)?.result;
}

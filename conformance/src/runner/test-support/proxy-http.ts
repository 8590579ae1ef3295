// What the test proxies share: a loopback server, the request body read whole and parsed when it
// is JSON, and the headers passed on in each direction.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    incoming.on("error", reject);
  });
}

/** The JSON value of a body, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** An incoming request's headers to forward: all but Host and Content-Length, which fetch sets itself. */
export function forwardedRequestHeaders(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers))
    if (typeof value === "string" && name !== "host" && name !== "content-length") headers[name] = value;
  return headers;
}

/**
 * A fetched response's headers to pass back: all but the framing ones, which Node sets for the body
 * it writes, and the hop-by-hop ones: the target's "keep-alive: timeout=10" passed on would have the
 * client keep an idle socket that this server closes after its own 5 s, and reuse it as it closes.
 */
export function passedResponseHeaders(response: Response): Record<string, string> {
  const notPassed = ["content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"];
  return Object.fromEntries([...response.headers].filter(([name]) => !notPassed.includes(name)));
}

/** Serves handle on a free loopback port (a 502 naming the error when it throws): the /mcp URL, and how to close it. */
export async function serveOnLoopback(
  handle: (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      outgoing.writeHead(502);
      outgoing.end(String(error));
    });
  });
  // Idle sockets are left for the client to close (it closes them before the timeout this server
  // announces): with Node's 5 s, a loaded machine's late timers had the client reuse a socket this
  // server was closing, and the run ended as "the server cannot be reached".
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

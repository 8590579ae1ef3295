// A loopback HTTP proxy that adds one header to every request and forwards everything else as it
// came, both ways, streaming: the official conformance suite cannot send an Authorization header
// (modelcontextprotocol/conformance#453), so it talks to this proxy, which adds the test key.
import { request, createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface HeaderProxy {
  /** The proxy's origin, http://127.0.0.1:PORT. */
  origin: string;
  close(): Promise<void>;
}

export async function startHeaderProxy(
  upstream: string,
  header: { name: string; value: string },
): Promise<HeaderProxy> {
  const target = new URL(upstream);
  const name = header.name.toLowerCase();
  const server = createServer((incoming, outgoing) => {
    // rawHeaders keeps the client's names, order and repeats, Host included: the server under test
    // must see the Host and Origin the suite sent (dns-rebinding-protection depends on them).
    const raw: string[] = [];
    let present = false;
    for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
      const key = incoming.rawHeaders[i] as string;
      if (key.toLowerCase() === name) present = true;
      raw.push(key, incoming.rawHeaders[i + 1] as string);
    }
    if (!present) raw.push(header.name, header.value);
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: raw as unknown as IncomingHttpHeaders,
        setHost: false,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`header proxy: ${error.message}`);
    });
    incoming.pipe(forwarded);
    // A client that goes away mid-stream takes the upstream request with it.
    outgoing.on("close", () => forwarded.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

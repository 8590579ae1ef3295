// The header-adding proxy in front of the server under the official suite: it adds the header,
// keeps a header the client sent itself, and forwards everything else both ways, streaming.
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHeaderProxy, type HeaderProxy } from "./header-proxy.js";

let upstream: Server;
let proxy: HeaderProxy;
let release: () => void = () => undefined;

beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    if (req.url === "/stream") {
      // One event now, the second only when the test says so: the first must arrive before the end.
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      await new Promise<void>((resolve) => (release = resolve));
      res.end("data: two\n\n");
      return;
    }
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    res.writeHead(201, { "content-type": "application/json", "x-upstream": "yes", "set-cookie": ["a=1", "b=2"] });
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(body).toString("utf8"),
      }),
    );
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const { port } = upstream.address() as AddressInfo;
  proxy = await startHeaderProxy(`http://127.0.0.1:${port}/mcp`, { name: "Authorization", value: "Bearer added" });
});
afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});

/** A raw request, so that the Host header can be anything (fetch would not let it be set). */
function send(
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ res: IncomingMessage; text: string }> {
  const { port } = new URL(proxy.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: body ? "POST" : "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ res, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the header proxy", () => {
  it("adds the header and forwards method, path, query, headers (Host and Origin too) and body as sent", async () => {
    const { res, text } = await send(
      "/mcp?x=1",
      { Host: "evil.example.com", Origin: "http://evil.example.com", "Mcp-Method": "tools/list" },
      '{"jsonrpc":"2.0"}',
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers["x-upstream"]).toBe("yes");
    expect(res.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    const seen = JSON.parse(text) as { method: string; url: string; rawHeaders: string[]; body: string };
    expect(seen).toMatchObject({ method: "POST", url: "/mcp?x=1", body: '{"jsonrpc":"2.0"}' });
    const headers = Object.fromEntries(
      seen.rawHeaders.flatMap((v, i, all) => (i % 2 === 0 ? [[v.toLowerCase(), all[i + 1]]] : [])),
    );
    expect(headers).toMatchObject({
      host: "evil.example.com",
      origin: "http://evil.example.com",
      "mcp-method": "tools/list",
      authorization: "Bearer added",
    });
  });

  it("keeps an Authorization header the client sent", async () => {
    const { text } = await send("/mcp", { Authorization: "Bearer own" }, "{}");
    const { rawHeaders } = JSON.parse(text) as { rawHeaders: string[] };
    expect(rawHeaders.filter((h) => h.startsWith("Bearer"))).toEqual(["Bearer own"]);
  });

  it("streams a response as it comes", async () => {
    const { port } = new URL(proxy.origin);
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      request({ host: "127.0.0.1", port, path: "/stream" }, (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          events.push(chunk);
          if (events.length === 1) release();
        });
        res.on("end", resolve);
      })
        .on("error", reject)
        .end();
    });
    expect(events).toEqual(["data: one\n\n", "data: two\n\n"]);
  });
});

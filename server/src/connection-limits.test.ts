// A client that is slow on purpose loses its connection; a crowd of them cannot take every socket.
import { mkdtempSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RATE_LIMITS } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.js";
import type { ConnectionLimits } from "./connection-limits.js";
import { createApiKey, createWorkspace } from "./admin/operations.js";
import { defaultOriginPolicy } from "./mcp/origin-guard.js";
import { createProviderRegistry } from "./providers/registry.js";
import { openSqliteStore } from "./store/sqlite/sqlite-store.js";

const opened: { app: FastifyInstance; sockets: Socket[] }[] = [];
afterEach(async () => {
  for (const { app, sockets } of opened.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await app.close();
  }
});

/** A server with short limits, so that the test sees them act within a second or two. */
async function serverWith(limits: Partial<ConnectionLimits>) {
  const store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-limits-")) });
  const app = await buildApp({
    store,
    providerFor: createProviderRegistry(store),
    originPolicy: defaultOriginPolicy(),
    rateWindows: RATE_LIMITS.windows,
    connectionLimits: { checkIntervalMs: 100, ...limits },
  });
  app.addHook("onClose", () => store.close());
  const workspace = await createWorkspace(store, { name: "Limits", plan: "pro" });
  const { key } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email"], mode: "test" });
  const address = new URL(await app.listen({ host: "127.0.0.1", port: 0 }));
  const entry = { app, sockets: [] as Socket[] };
  opened.push(entry);
  const open = async () => {
    const socket = connect(Number(address.port), "127.0.0.1");
    entry.sockets.push(socket);
    socket.on("error", () => undefined);
    await new Promise((resolve) => socket.once("connect", resolve));
    return socket;
  };
  return { open, key };
}

/** What the server sent before it closed the connection (resolves when it does). */
const untilClosed = (socket: Socket) =>
  new Promise<string>((resolve) => {
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.once("close", () => resolve(received));
  });

describe("connection limits", () => {
  it("closes a connection whose headers never end (408)", async () => {
    const { open } = await serverWith({ headersTimeoutMs: 500 });
    const socket = await open();
    socket.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408/u);
  });

  it("closes a connection whose body never ends (408), whatever its Content-Length promised", async () => {
    const { open, key } = await serverWith({ requestTimeoutMs: 700, headersTimeoutMs: 500 });
    const socket = await open();
    // Authenticated, so that the server goes on to read the body.
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
        "Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{",
    );
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408/u);
  });

  it("closes an idle keep-alive connection after its request was answered", async () => {
    const { open } = await serverWith({ keepAliveTimeoutMs: 300 });
    const socket = await open();
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 200/u);
  });

  it("refuses connections past the cap, and takes new ones once others close", async () => {
    const { open } = await serverWith({ maxConnections: 2 });
    const first = await open();
    await open();
    // Accepted by the kernel, then closed by Node without a byte: the server is full.
    const third = await open();
    expect(await untilClosed(third)).toBe("");
    first.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fourth = await open();
    fourth.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    expect(await untilClosed(fourth)).toMatch(/^HTTP\/1\.1 200/u);
  });
});

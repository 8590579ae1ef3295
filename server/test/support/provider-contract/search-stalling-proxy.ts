// A TCP proxy on loopback in front of an IMAP server that holds back every SEARCH or SORT command (and
// whatever the client sends after it) until released: a server slow to answer a search, which a
// small mailbox on a real server never is. It hides COMPRESS (RFC 4978) from the client, whose
// commands it could not read once compressed.
import { createConnection, createServer, type AddressInfo, type Socket } from "node:net";

export interface SearchStallingProxy {
  port: number;
  /** Sends what was held back and stops holding. */
  release(): void;
  close(): Promise<void>;
}

/** SEARCH, and SORT, which searches too (RFC 5256), for a server that has it (Cyrus). */
const SEARCH_COMMAND = /^\S+ (UID )?(SEARCH|SORT) /imu;

export async function startSearchStallingProxy(target: { host: string; port: number }): Promise<SearchStallingProxy> {
  const held: Array<{ upstream: Socket; chunks: Buffer[] }> = [];
  const sockets = new Set<Socket>();
  let releasing = false;
  const server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    const holding = { upstream, chunks: [] as Buffer[] };
    held.push(holding);
    client.on("data", (chunk: Buffer) => {
      if (!releasing && (holding.chunks.length > 0 || SEARCH_COMMAND.test(chunk.toString("latin1"))))
        holding.chunks.push(chunk);
      else upstream.write(chunk);
    });
    // The server's COMPRESS=DEFLATE is hidden, so that the client's commands stay readable.
    upstream.on("data", (chunk: Buffer) => {
      client.write(Buffer.from(chunk.toString("latin1").replaceAll(" COMPRESS=DEFLATE", ""), "latin1"));
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    release() {
      releasing = true;
      for (const { upstream, chunks } of held) for (const chunk of chunks.splice(0)) upstream.write(chunk);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

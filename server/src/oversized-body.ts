// A body over the limit is answered 413 once its sender has finished sending it: a server that
// answers and closes while the client is still writing makes the client fail with EPIPE, and the
// 413 is never seen (Node 22's fetch, every time).
import { TRANSPORT } from "@mcpemails/generated";

/** How much of an oversized body is read (and thrown away) so that its sender can read the 413. */
export const OVERSIZED_BODY_DRAIN_BYTES = 4 * TRANSPORT.max_body_bytes;

/** Reads the rest of a request without keeping it, up to `maxBytes` (past that, the connection is closed after the answer). */
export function discardRest(stream: NodeJS.ReadableStream & { complete?: boolean }, maxBytes: number): Promise<void> {
  if (stream.complete === true) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const finish = () => {
      stream.removeListener("data", onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > maxBytes) finish();
    };
    stream.on("data", onData);
    stream.once("end", finish);
    stream.once("error", finish);
    stream.once("close", finish);
    stream.resume();
  });
}

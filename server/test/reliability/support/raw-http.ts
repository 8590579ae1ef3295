// HTTP requests with full control of the headers (repeated, huge, odd), which fetch normalises away.
import { request } from "node:http";

export interface RawAnswer {
  status: number;
  text: string;
}

/** POSTs body with exactly these header lines, in this order, repeats included. */
export function rawPost(url: string, headers: readonly [string, string][], body: string | Buffer): Promise<RawAnswer> {
  const flat = headers.flatMap(([name, value]) => [name, value]);
  if (!headers.some(([name]) => name.toLowerCase() === "content-length" || name.toLowerCase() === "transfer-encoding"))
    flat.push("content-length", String(Buffer.byteLength(body)));
  return new Promise((resolve, reject) => {
    // A fresh connection per request: one the server dropped on a hostile request is never reused.
    const outgoing = request(url, { method: "POST", headers: flat, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

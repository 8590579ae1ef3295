import { get } from "node:http";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicAddressLookup } from "./public-address-lookup.js";

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((_request, response) => response.end("reached"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the public-address lookup", () => {
  it("refuses a name that resolves to a loopback address, so nothing connects to it", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const request = get({ host: "localhost", port, path: "/", lookup: publicAddressLookup }, (response) => {
        response.resume();
        resolve("connected");
      });
      request.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(outcome).toBe("EINTERNALADDRESS");
  });

  it("refuses the same way when asked for every address", async () => {
    const addresses = await new Promise<unknown>((resolve, reject) =>
      publicAddressLookup("localhost", { all: true }, (error, result) =>
        error ? resolve(error.message) : reject(new Error(String(result))),
      ),
    );
    expect(addresses).toMatch(/localhost resolves to a loopback address/);
  });
});

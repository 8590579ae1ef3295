// Open registration, throttled per client address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerClient } from "../../test/support/oauth-client.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { REGISTRATIONS_PER_ADDRESS } from "./registration-throttle.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe("registration from one address", () => {
  it(`accepts ${REGISTRATIONS_PER_ADDRESS} an hour, then answers 429 naming the limit`, async () => {
    const base = server.url.replace(/\/mcp$/u, "");
    const register = () => registerClient(base, { redirect_uris: ["https://claude.ai/api/mcp/auth_callback"] });
    for (let i = 0; i < REGISTRATIONS_PER_ADDRESS; i++) expect((await register()).status).toBe(201);
    const refused = await register();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: "too_many_requests",
      error_description: expect.stringContaining(`at most ${REGISTRATIONS_PER_ADDRESS} an hour`),
    });
  });
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RATE_LIMITS } from "@mcpemails/generated";
import { describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { loadConfig } from "../config.js";
import { defaultOriginPolicy } from "../mcp/origin-guard.js";
import { createProviderRegistry } from "../providers/registry.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import {
  ADMIN_FAILURE_WINDOW_MS,
  ADMIN_FAILURES_PER_WINDOW,
  adminTokenMatches,
  createFailureThrottle,
} from "./admin-token.js";

const TOKEN = "0123456789abcdef0123456789abcdef-admin";

describe("the admin token", () => {
  it("must be at least 32 characters: a shorter one stops the server at start, naming the variable", () => {
    expect(() => loadConfig({ MCPEMAILS_ADMIN_TOKEN: "short-but-not-empty" })).toThrow(
      "MCPEMAILS_ADMIN_TOKEN must be at least 32 characters long (it has 19)",
    );
    expect(loadConfig({ MCPEMAILS_ADMIN_TOKEN: TOKEN }).adminToken).toBe(TOKEN);
  });

  it("matches only itself, whatever the length or prefix of what was sent", () => {
    expect(adminTokenMatches(TOKEN, `Bearer ${TOKEN}`)).toBe(true);
    expect(adminTokenMatches(TOKEN, `bearer ${TOKEN}`)).toBe(true);
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.slice(0, 10), "", `${TOKEN} extra`])
      expect(adminTokenMatches(TOKEN, `Bearer ${wrong}`)).toBe(false);
    expect(adminTokenMatches(TOKEN, TOKEN)).toBe(false);
    expect(adminTokenMatches(TOKEN, undefined)).toBe(false);
  });

  it(`allows ${ADMIN_FAILURES_PER_WINDOW} failures per client a minute, then makes that client wait out the minute`, () => {
    let now = 1_000_000;
    const throttle = createFailureThrottle(() => now);
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
      expect(throttle.waitFor("203.0.113.9")).toBe(0);
      throttle.recordFailure("203.0.113.9");
    }
    expect(throttle.waitFor("203.0.113.9")).toBe(ADMIN_FAILURE_WINDOW_MS);
    expect(throttle.waitFor("198.51.100.7")).toBe(0);
    now += ADMIN_FAILURE_WINDOW_MS - 1;
    expect(throttle.waitFor("203.0.113.9")).toBe(1);
    now += 1;
    expect(throttle.waitFor("203.0.113.9")).toBe(0);
  });

  it("answers 429 with Retry-After to a client past its failures, even with the right token, and not to others", async () => {
    const store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-admin-token-")) });
    const app = await buildApp({
      store,
      providerFor: createProviderRegistry(store),
      originPolicy: defaultOriginPolicy(),
      rateWindows: RATE_LIMITS.windows,
      adminToken: TOKEN,
    });
    const attempt = (token: string, remoteAddress: string) =>
      app.inject({
        url: "/admin/workspaces",
        remoteAddress,
        headers: { authorization: `Bearer ${token}`, host: "127.0.0.1" },
      });
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++)
      expect((await attempt(`guess-${i}`, "203.0.113.9")).statusCode).toBe(401);
    const throttled = await attempt(TOKEN, "203.0.113.9");
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(0);
    expect((await attempt(TOKEN, "198.51.100.7")).statusCode).toBe(200);
    await app.close();
    await store.close();
  });

  it("refuses to start the admin API with a short token, also when the app is built directly", async () => {
    const store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-admin-token-")) });
    await expect(
      buildApp({
        store,
        providerFor: createProviderRegistry(store),
        originPolicy: defaultOriginPolicy(),
        rateWindows: RATE_LIMITS.windows,
        adminToken: "admin",
      }),
    ).rejects.toThrow("MCPEMAILS_ADMIN_TOKEN must be at least 32 characters long");
    await store.close();
  });
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RATE_LIMITS } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.js";
import { defaultOriginPolicy } from "./mcp/origin-guard.js";
import { createProviderRegistry } from "./providers/registry.js";
import { openSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";

const ADMIN_TOKEN = "an-admin-token-of-at-least-32-characters";
const METRICS_TOKEN = "scrape-me-please";
let store: Store;
const apps: FastifyInstance[] = [];

async function app(metricsToken?: string): Promise<FastifyInstance> {
  const built = await buildApp({
    store,
    providerFor: createProviderRegistry(store),
    originPolicy: defaultOriginPolicy(["mail.example.com"]),
    rateWindows: RATE_LIMITS.windows,
    adminToken: ADMIN_TOKEN,
    metricsToken,
  });
  apps.push(built);
  return built;
}

beforeAll(async () => {
  store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), "mcpemails-app-")) });
});
afterAll(async () => {
  for (const built of apps) await built.close();
  await store.close();
});

describe("the Host check (DNS rebinding)", () => {
  it.each(["/healthz", "/readyz", "/metrics", "/admin/workspaces", "/oauth/google/callback", "/no-such-page"])(
    "refuses %s under a Host that is not this server's",
    async (url) => {
      const answer = await (
        await app()
      ).inject({ url, headers: { host: "attacker.example", authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(answer.statusCode).toBe(403);
      expect(answer.json()).toEqual({ error: "Host attacker.example is not allowed." });
    },
  );

  it("answers under this server's own names", async () => {
    const server = await app();
    for (const host of ["127.0.0.1:3000", "localhost", "mail.example.com"])
      expect((await server.inject({ url: "/healthz", headers: { host } })).statusCode).toBe(200);
  });
});

describe("/metrics", () => {
  it("without a metrics token, answers clients on this machine only", async () => {
    const server = await app();
    const local = await server.inject({ url: "/metrics", remoteAddress: "127.0.0.1", headers: { host: "localhost" } });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain("# HELP");
    const remote = await server.inject({
      url: "/metrics",
      remoteAddress: "203.0.113.5",
      headers: { host: "localhost" },
    });
    expect(remote.statusCode).toBe(403);
    expect(remote.body).not.toContain("# HELP");
  });

  it("with a metrics token, asks every client for it", async () => {
    const server = await app(METRICS_TOKEN);
    const ask = (authorization?: string) =>
      server.inject({
        url: "/metrics",
        remoteAddress: "203.0.113.5",
        headers: { host: "localhost", ...(authorization === undefined ? {} : { authorization }) },
      });
    expect((await ask()).statusCode).toBe(401);
    expect((await ask("Bearer wrong")).statusCode).toBe(401);
    expect((await ask(`Bearer ${METRICS_TOKEN}`)).statusCode).toBe(200);
  });
});

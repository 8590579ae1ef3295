// Two instances of the server on one Redis, as in production: a person signed in on one is signed
// in on the other (the session is in the store, the CSRF keys derive from the shared secret key),
// and signing out on one ends the session on both. Also: an inbox whose latest call failed
// auth_failed is shown as needing reconnecting, until a call succeeds again.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authFailed, RATE_LIMITS } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { dashboardClient, signedUpClient } from "../../test/support/dashboard-client.js";
import { deleteKeysWithPrefix } from "../../test/support/redis-data.js";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";
import { buildApp } from "../app.js";
import { defaultOriginPolicy } from "../mcp/origin-guard.js";
import { createProviderRegistry } from "../providers/registry.js";
import { openRedisStore } from "../store/redis/redis-store.js";
import type { Store } from "../store/store.js";
import { SESSION_COOKIE } from "./accounts/sessions.js";

const redisUrl = process.env.REDIS_URL;
if (!redisUrl && process.env.CI)
  throw new Error("CI is set but REDIS_URL is not: run the tests through scripts/test.sh.");
const describeWithRedis = redisUrl ? describe : describe.skip;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function instance(store: Store, secretKey: Buffer): Promise<string> {
  const app: FastifyInstance = await buildApp({
    store,
    providerFor: createProviderRegistry(store, {}),
    originPolicy: defaultOriginPolicy(),
    rateWindows: RATE_LIMITS.windows,
    dashboard: { secretKey, signup: "open", publicUrl: undefined },
    logger: false,
  });
  cleanups.push(() => app.close());
  return app.listen({ host: "127.0.0.1", port: 0 });
}

describeWithRedis("the dashboard on two instances sharing Redis", () => {
  it("accepts a session and its forms on either instance, and a sign-out on one ends it on both", async () => {
    const keyPrefix = `mcpe-dash-${randomUUID()}:`;
    const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-dash-"));
    const stores = [
      await openRedisStore({ url: redisUrl ?? "", dataDir, keyPrefix }),
      await openRedisStore({ url: redisUrl ?? "", dataDir, keyPrefix }),
    ];
    cleanups.push(async () => {
      await deleteKeysWithPrefix(redisUrl ?? "", keyPrefix);
      for (const store of stores) await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const secretKey = randomBytes(32);
    const [a, b] = [await instance(stores[0]!, secretKey), await instance(stores[1]!, secretKey)];

    const onA = await signedUpClient(a, "shared@example.com");
    const onB = dashboardClient(b);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    expect((await onB.get("/dashboard/inboxes")).status).toBe(200);
    // A form rendered by A is accepted by B.
    const page = (await onA.get("/dashboard/inboxes/connect")).text;
    const token = /name="_csrf" value="([^"]+)"/u.exec(page)?.[1] ?? "";
    expect((await onB.post("/dashboard/inboxes/connect/sandbox", { _csrf: token })).location).toBe(
      "/dashboard/inboxes?done=inbox-added",
    );

    await onB.post("/dashboard/logout", {}, "/dashboard/inboxes");
    const replay = dashboardClient(a);
    replay.cookies.set(SESSION_COOKIE, onA.cookies.get(SESSION_COOKIE) ?? "");
    expect((await replay.get("/dashboard/inboxes")).location).toMatch(/^\/dashboard\/login/u);
  });
});

describe("an inbox's state", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("needs reconnecting when its latest call failed auth_failed, and is connected again after a call succeeds", async () => {
    let refuse = true;
    server = await startTestServer({
      provider: (inbox, real) => ({
        ...real,
        async list_inbox(args, signal) {
          return refuse ? authFailed({ inbox_id: inbox.id }) : real.list_inbox(args, signal);
        },
      }),
    });
    const person = await signedUpClient(server.url.replace(/\/mcp$/u, ""), "owner@example.com");
    await person.post("/dashboard/inboxes/connect/sandbox", {}, "/dashboard/inboxes/connect");
    await person.post("/dashboard/keys", { name: "agent", scopes: "read:email", mode: "test" });
    const user = await server.store.findUserByEmail("owner@example.com");
    const workspaceId = (await server.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
    const [inbox] = await server.store.listInboxes(workspaceId);
    const created = await person.post("/dashboard/keys", { name: "agent 2", scopes: "read:email", mode: "test" });
    const key = /value="(mcpe_test_[A-Za-z0-9]{32})"/u.exec(created.text)?.[1] ?? "";

    await post(server, toolCall("list_inbox", { inbox_id: inbox!.id }), { key });
    await expect.poll(async () => (await server!.store.listActivity(workspaceId, { limit: 5 })).length).toBe(1);
    expect((await person.get("/dashboard/inboxes")).text).toContain("needs reconnecting");

    refuse = false;
    await post(server, toolCall("list_inbox", { inbox_id: inbox!.id }), { key });
    await expect.poll(async () => (await server!.store.listActivity(workspaceId, { limit: 5 })).length).toBe(2);
    const page = (await person.get("/dashboard/inboxes")).text;
    expect(page).not.toContain("needs reconnecting");
    expect(page).toContain('<span class="badge ok">connected</span>');
  });
});

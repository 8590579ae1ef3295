// No secret leaves the server in clear: API keys (good, revoked, foreign), the admin token and an
// IMAP password are looked for in everything the server lets out (its pino log at trace level,
// every answer body with its error messages, /metrics) while it serves good calls, refused calls
// and a provider that refuses the password; then in the raw bytes of its stores (the SQLite files,
// the Redis values). The other reliability tests run their servers under the same LeakWatch, so
// the same holds under load, faults and hostile input.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { InboxRecord, Store } from "../../src/store/store.js";
import { adminCall, adminSetup } from "./support/admin-http.js";
import { startInstance, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { callTool, mcpPost, toolCallBody } from "./support/mcp-http.js";
import { deleteKeysWithPrefix, rawValuesWithPrefix } from "../support/redis-data.js";
import { redisUrl } from "./support/redis-env.js";
import { startRefusingImapServer } from "./support/refusing-imap-server.js";

const PASSWORD = `imap-pass-${randomBytes(12).toString("hex")}`;
const ADMIN_TOKEN = `admin-token-${randomBytes(16).toString("hex")}`;
const imapSecret = (port: number) =>
  JSON.stringify({
    imap: { host: "127.0.0.1", port, security: "plaintext" },
    smtp: { host: "127.0.0.1", port: 1, security: "plaintext" },
    user: "alice@example.com",
    password: PASSWORD,
    address: "alice@example.com",
  });

describe("the leak watch itself", () => {
  it("finds a secret in a log line or an answer, and reports only its first characters", () => {
    const watch = new LeakWatch();
    watch.secret(PASSWORD);
    watch.record("answer 200", `{"error":{"message":"login as alice with ${PASSWORD} failed"}}`);
    expect(watch.leaks()).toEqual([
      {
        secret: `${PASSWORD.slice(0, 12)}…`,
        where: "answer 200",
        context: '{"error":{"message":"login as alice with ',
      },
    ]);
  });
});

describe("secrets in what the server lets out, and in its SQLite store", () => {
  const watch = new LeakWatch();
  const apiKeys: string[] = [];
  let dataDir: string;
  let store: Store;
  let instance: Instance;
  let imapServer: Awaited<ReturnType<typeof startRefusingImapServer>>;
  let imapInbox: InboxRecord;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mcpemails-secrets-"));
    store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
    imapServer = await startRefusingImapServer();
    watch.secret(PASSWORD, ADMIN_TOKEN);
    instance = await startInstance({ store, adminToken: ADMIN_TOKEN, logger: watch.logger(), ownsStore: false });
  });

  afterAll(async () => {
    await instance.close();
    await store.close();
    await imapServer.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("holds no API key, admin token or provider password in the log, any answer or /metrics", async () => {
    // Keys are made through the admin API; their one showing, in its answer, is not recorded.
    const test = await adminSetup(instance.baseUrl, ADMIN_TOKEN, { plan: "pro" });
    const liveKey = await adminCall(instance.baseUrl, ADMIN_TOKEN, "POST", `/workspaces/${test.workspaceId}/keys`, {
      scopes: ["read:email", "send:email"],
    });
    const live = liveKey.json as { key: string; key_id: string };
    const other = await adminSetup(instance.baseUrl, ADMIN_TOKEN, { plan: "free" });
    apiKeys.push(test.key, live.key, other.key);
    watch.secret(...apiKeys);
    imapInbox = await store.createInbox({
      workspaceId: test.workspaceId,
      mode: "live",
      kind: "imap",
      addresses: ["alice@example.com"],
      secret: imapSecret(imapServer.port),
    });

    // The admin API refusing tokens that are almost right, or of the wrong kind.
    for (const token of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), test.key]) {
      const refused = await adminCall(instance.baseUrl, token, "GET", "/workspaces");
      expect(refused.status).toBe(401);
      watch.record("admin answer", JSON.stringify(refused.json));
    }

    // Good calls, a provider that refuses the password, and calls with keys that are wrong in every way.
    const sandboxInbox = test.inboxIds[0];
    expect(
      await callTool(instance.mcpUrl, test.key, "list_inbox", { inbox_id: sandboxInbox }, 1, watch),
    ).toHaveProperty("messages");
    for (const [tool, args] of [
      ["list_inbox", { inbox_id: imapInbox.id }],
      ["search_emails", { inbox_id: imapInbox.id, query: "x" }],
      ["read_email", { inbox_id: imapInbox.id, message_id: "1" }],
      ["send_email", { inbox_id: imapInbox.id, to: ["bob@example.com"], subject: "s", body: "b" }],
    ] as const) {
      const refused = await callTool(instance.mcpUrl, live.key, tool, args, 1, watch);
      expect(refused, tool).toMatchObject({ isError: true });
      if (tool === "list_inbox") expect(refused.errorCode).toBe("auth_failed");
    }
    expect(imapServer.logins()).toBeGreaterThan(0);
    await callTool(instance.mcpUrl, other.key, "list_inbox", { inbox_id: sandboxInbox }, 1, watch);
    for (const bearer of [
      ADMIN_TOKEN,
      PASSWORD,
      `${test.key}x`,
      test.key.toUpperCase(),
      `mcpe_live_${"Z".repeat(32)}`,
    ]) {
      expect(
        (await mcpPost(instance.mcpUrl, toolCallBody("list_inbox", { inbox_id: sandboxInbox }), { key: bearer, watch }))
          .status,
      ).toBe(401);
    }
    expect((await adminCall(instance.baseUrl, ADMIN_TOKEN, "DELETE", `/keys/${live.key_id}`)).status).toBe(204);
    expect(
      (await mcpPost(instance.mcpUrl, toolCallBody("list_inbox", { inbox_id: imapInbox.id }), { key: live.key, watch }))
        .status,
    ).toBe(401);
    const metrics = await (await fetch(`${instance.baseUrl}/metrics`)).text();
    expect(metrics).toContain("# HELP");
    watch.record("/metrics", metrics);

    console.log(
      `secrets: ${watch.linesLogged} log lines and ${watch.textsSeen} texts checked for ${apiKeys.length} API keys, the admin token and an IMAP password`,
    );
    expect(watch.linesLogged).toBeGreaterThan(20);
    expect(watch.leaks()).toEqual([]);
  });

  it("keeps no API key and no provider password in clear in the SQLite files", async () => {
    expect(apiKeys.length).toBeGreaterThan(0); // after the test above
    const bytes = Buffer.concat(readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name))));
    // The files are the ones the store wrote: the inbox is there, its password sealed.
    expect(bytes.includes(imapInbox.id)).toBe(true);
    expect((await store.getInbox(imapInbox.id))?.secret).toContain(PASSWORD);
    for (const secret of [PASSWORD, ADMIN_TOKEN, ...apiKeys])
      expect(bytes.includes(secret), `${secret.slice(0, 12)}… in the SQLite files`).toBe(false);
  });
});

const standalone = redisUrl("REDIS_URL", "Secrets in the Redis store");

describe.skipIf(standalone === undefined)("secrets in the Redis store", () => {
  const url = standalone ?? "";
  const keyPrefix = `mcpe-rel-secrets-${randomUUID()}:`;
  afterAll(async () => deleteKeysWithPrefix(url, keyPrefix));

  it("keeps no API key and no provider password in clear in any Redis value", async () => {
    const store = await openRedisStore({ url, keyPrefix, secretKey: randomBytes(32) });
    const workspace = await createWorkspace(store, { name: "Secrets", plan: "pro" });
    const { key } = await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email"], mode: "live" });
    const inbox = await store.createInbox({
      workspaceId: workspace.id,
      mode: "live",
      kind: "imap",
      addresses: ["alice@example.com"],
      secret: imapSecret(143),
    });
    await store.updateInboxSecret(inbox.id, imapSecret(993));
    expect((await store.getInbox(inbox.id))?.secret).toContain(PASSWORD);
    await store.close();
    const bytes = await rawValuesWithPrefix(url, keyPrefix);
    expect(bytes.includes(inbox.id)).toBe(true);
    expect(bytes.includes(PASSWORD), "the IMAP password in Redis").toBe(false);
    expect(bytes.includes(key), "the API key in Redis").toBe(false);
  });
});

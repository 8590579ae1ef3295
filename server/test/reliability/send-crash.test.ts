// A process killed during a send (SIGKILL after the provider accepted the message, before the store
// recorded the outcome) never causes a second send. The server runs in a child process
// (support/crash-after-accept-server.ts) on a data directory, or a Redis prefix, that outlives it;
// the recipient is a sandbox inbox, so deliveries can be counted.
//
// Defined outcome of a retry with the same idempotency_key (spec decision "idempotency",
// server/src/limits/send-once.ts):
//   - within 10 minutes of the crashed call: idempotency_key_in_use (another instance might still
//     be sending it; nothing new is sent);
//   - after that: provider_error with deliveryStatus "unknown" ("check SENT before sending
//     again"), for good; nothing new is sent.
// The second case is reached without waiting by starting the server with its clock 11 minutes on.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { startChildServer, type ChildServer } from "./support/child-server.js";
import { CRASH_MARKER } from "./support/crash-marker.js";
import { callTool } from "./support/mcp-http.js";
import { deleteKeysWithPrefix } from "../support/redis-data.js";
import { redisUrl } from "./support/redis-env.js";

const ENTRY = fileURLToPath(new URL("./support/crash-after-accept-server.ts", import.meta.url));
const ELEVEN_MINUTES_MS = 11 * 60 * 1000;

const standaloneUrl = redisUrl("REDIS_URL", "Send-crash test on Redis");
const stores = [
  { kind: "sqlite" as const },
  ...(standaloneUrl === undefined ? [] : [{ kind: "redis" as const, url: standaloneUrl }]),
];

const children: ChildServer<{ mcpUrl: string }>[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(stores)(
  "a server killed between the provider's accept and the store's record ($kind store)",
  (target) => {
    it("sends once: a retry with the same idempotency_key after restart is refused, first as in use, later as outcome unknown", async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-crash-"));
      const keyPrefix = `mcpe-rel-crash-${randomUUID()}:`;
      const childEnv: Record<string, string> = {
        MCPEMAILS_DATA_DIR: dataDir,
        CRASH_STORE: target.kind,
        MCPEMAILS_SECRET_KEY: randomBytes(32).toString("hex"),
      };
      if (target.kind === "redis") Object.assign(childEnv, { REDIS_URL: target.url, CRASH_KEY_PREFIX: keyPrefix });
      const openStore = (): Promise<Store> =>
        target.kind === "redis"
          ? openRedisStore({
              url: target.url,
              keyPrefix,
              secretKey: Buffer.from(childEnv.MCPEMAILS_SECRET_KEY!, "hex"),
            })
          : openSqliteStore({ dataDir, secretKey: Buffer.from(childEnv.MCPEMAILS_SECRET_KEY!, "hex") });
      cleanups.push(async () => {
        rmSync(dataDir, { recursive: true, force: true });
        if (target.kind === "redis") await deleteKeysWithPrefix(target.url, keyPrefix);
      });

      const setup = await openStore();
      const workspace = await createWorkspace(setup, { name: "Crash", plan: "pro" });
      const sender = await addSandboxInbox(setup, { workspaceId: workspace.id });
      const recipient = await addSandboxInbox(setup, { workspaceId: workspace.id });
      const { key } = await createApiKey(setup, {
        workspaceId: workspace.id,
        scopes: ["read:email", "send:email"],
        mode: "test",
      });
      await setup.close();

      const subject = `${CRASH_MARKER} ${randomUUID()}`;
      const args = {
        inbox_id: sender.id,
        to: [sandboxAddress(recipient.id)],
        subject,
        body: "sent once, whatever happens",
        idempotency_key: `crash-${randomUUID()}`,
      };
      const copies = async () => {
        const store = await openStore();
        try {
          const count = async (inboxId: string, folder: string) =>
            (await store.listSandboxSummaries(inboxId, folder)).filter(
              (m) => (m.data as { subject?: string }).subject === subject,
            ).length;
          return { delivered: await count(recipient.id, "INBOX"), filedInSent: await count(sender.id, "SENT") };
        } finally {
          await store.close();
        }
      };
      const start = async (clockOffsetMs: number) => {
        const child = await startChildServer<{ mcpUrl: string }>(ENTRY, {
          ...childEnv,
          CRASH_CLOCK_OFFSET_MS: String(clockOffsetMs),
        });
        children.push(child);
        return child;
      };

      const crashing = await start(0);
      await expect(callTool(crashing.ready.mcpUrl, key, "send_email", args)).rejects.toThrow();
      expect(await crashing.exited).toBe("SIGKILL");
      expect(await copies()).toEqual({ delivered: 1, filedInSent: 1 });

      const restarted = await start(0);
      expect(await callTool(restarted.ready.mcpUrl, key, "send_email", args)).toMatchObject({
        isError: true,
        errorCode: "idempotency_key_in_use",
      });
      // Had the retry reached the provider, the marker in its subject would have killed this process too.
      expect(restarted.process.exitCode).toBeNull();
      expect(restarted.process.signalCode).toBeNull();
      await restarted.stop();

      const later = await start(ELEVEN_MINUTES_MS);
      for (let attempt = 0; attempt < 2; attempt++) {
        const retry = await callTool(later.ready.mcpUrl, key, "send_email", args);
        expect(retry).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
        expect(JSON.stringify(retry)).toMatch(/check SENT before sending again\. Nothing new was sent/);
      }
      expect(later.process.signalCode).toBeNull();
      expect(await copies()).toEqual({ delivered: 1, filedInSent: 1 });
    });
  },
);

// A Redis Cluster master failing over under a running server, on a cluster of the test's own
// (support/private-cluster.ts: 3 masters with a replica each; the shared cluster is left alone).
// The master that holds a send's idempotency record is killed; its replica takes over. Defined
// outcome: while the cluster fails over, every call either fails closed (-32603, nothing done) or
// is answered correctly; afterwards the record is there (the retry replays, nothing is sent twice).
// The record had reached the replica before the kill: Redis replicates asynchronously, so a master
// lost in the instant after a write can take that write with it (see RELIABILITY.md).
import { randomBytes, randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { redisKeys } from "../../src/store/redis/redis-keys.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import type { InboxRecord } from "../../src/store/store.js";
import { startInstance, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { mcpPost, toolCallBody } from "./support/mcp-http.js";
import { startPrivateCluster, type PrivateCluster } from "./support/private-cluster.js";
import { redisUrl } from "./support/redis-env.js";

const run = promisify(execFile);
const available = redisUrl("REDIS_CLUSTER_URL", "Redis failover test (it starts a cluster of its own)") !== undefined;
const KEY_PREFIX = "mcpe:";

describe.skipIf(!available)("a Redis Cluster master failing over under a running server", () => {
  const watch = new LeakWatch();
  let cluster: PrivateCluster;
  let instance: Instance;
  let key: string;
  let workspaceId: string;
  let sender: InboxRecord;
  let recipient: InboxRecord;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const store = await openRedisStore({
      url: cluster.url,
      secretKey: randomBytes(32),
      keyPrefix: KEY_PREFIX,
      commandTimeoutMs: 1_000,
    });
    const workspace = await createWorkspace(store, { name: "Failover", plan: "pro" });
    workspaceId = workspace.id;
    sender = await addSandboxInbox(store, { workspaceId });
    recipient = await addSandboxInbox(store, { workspaceId });
    key = (await createApiKey(store, { workspaceId, scopes: ["read:email", "send:email"], mode: "test" })).key;
    watch.secret(key);
    instance = await startInstance({ store, logger: watch.logger() });
  }, 60_000);

  afterAll(async () => {
    await instance?.close().catch(() => undefined);
    await cluster?.stop();
    expect(watch.leaks()).toEqual([]);
  });

  it("fails closed while it fails over, then replays the send whose record the old master held", async () => {
    const subject = `failover ${randomUUID()}`;
    const idempotencyKey = `failover-${randomUUID()}`;
    const args = {
      inbox_id: sender.id,
      to: [sandboxAddress(recipient.id)],
      subject,
      body: "sent once",
      idempotency_key: idempotencyKey,
    };
    const send = async () =>
      mcpPost(instance.mcpUrl, toolCallBody("send_email", args), { key, revision: "2025-06-18", watch });
    const first = (await send()).json as {
      result: { structuredContent: { message_id: string; idempotent_replay: boolean } };
    };
    expect(first.result.structuredContent.idempotent_replay).toBe(false);

    const record = redisKeys(KEY_PREFIX).idempotency(`${workspaceId}:${sender.id}:${idempotencyKey}`);
    const master = await cluster.masterOf(record);
    await untilReplicated(master);
    await cluster.kill(master);

    const outcomes = { failedClosed: 0, replayed: 0 };
    const deadline = Date.now() + 45_000;
    for (;;) {
      const answer = await send();
      const json = answer.json as {
        error?: { code: number; message: string };
        result?: { structuredContent?: { idempotent_replay: boolean; message_id: string } };
      };
      if (json.error !== undefined) {
        expect(json.error.code).toBe(-32603);
        expect(json.error.message).toMatch(/nothing was done|may have been sent/);
        outcomes.failedClosed++;
      } else {
        // Any answer that is not an error must be the replay: a fresh send would be the second copy.
        expect(json.result?.structuredContent).toMatchObject({
          idempotent_replay: true,
          message_id: first.result.structuredContent.message_id,
        });
        outcomes.replayed++;
        break;
      }
      if (Date.now() > deadline)
        throw new Error(
          `no answer but errors for 45 s after the failover (${outcomes.failedClosed} calls failed closed)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(
      `failover: master on port ${master} killed; ${outcomes.failedClosed} calls failed closed before the replica served the record`,
    );
    const delivered = (await instance.store.listSandboxSummaries(recipient.id, "INBOX")).filter(
      (m) => (m.data as { subject?: string }).subject === subject,
    );
    expect(delivered).toHaveLength(1);
  });
});

/** Until every replica of the master on this port has acknowledged all it was sent. */
async function untilReplicated(masterPort: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(masterPort), "info", "replication"])).stdout;
    const masterOffset = Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? NaN);
    const replicaOffsets = [...info.matchAll(/slave\d+:.*offset=(\d+)/g)].map((m) => Number(m[1]));
    if (replicaOffsets.length > 0 && replicaOffsets.every((offset) => offset >= masterOffset)) return;
    if (Date.now() > deadline) throw new Error(`the replica of port ${masterPort} did not catch up: ${info}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

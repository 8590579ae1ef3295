// Scale-out: three server instances, each its own Fastify and its own connection to one 3-node
// Redis Cluster (same key prefix), behave as one server. Load is spread round-robin over the
// instances and fired all at once, so that the limits are decided by Redis alone: every count
// below is exact, never "about".
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import { adminCall, adminSetup } from "./support/admin-http.js";
import { startInstance, UNLIMITED_RATE, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { callTool, type ToolOutcome } from "./support/mcp-http.js";
import { deleteKeysWithPrefix } from "../support/redis-data.js";
import { redisUrl } from "./support/redis-env.js";

const clusterUrl = redisUrl("REDIS_CLUSTER_URL", "Scale-out tests (3 instances on a Redis Cluster)");
const INSTANCES = 3;
const ADMIN_TOKEN = `admin-${randomBytes(16).toString("hex")}`;

describe.skipIf(clusterUrl === undefined)("several instances on one Redis Cluster", () => {
  const url = clusterUrl ?? "";
  const keyPrefix = `mcpe-rel-scale-${randomUUID()}:`;
  const secretKey = randomBytes(32);
  const watch = new LeakWatch();
  let instances: Instance[] = [];
  /** Instances with the spec's rate windows, and with windows no test meets (quotas alone decide). */
  let limited: Instance[] = [];

  beforeAll(async () => {
    watch.secret(ADMIN_TOKEN);
    const start = async (unlimited: boolean) =>
      startInstance({
        store: await openRedisStore({ url, secretKey, keyPrefix }),
        adminToken: ADMIN_TOKEN,
        logger: watch.logger(),
        ...(unlimited ? { rateWindows: UNLIMITED_RATE } : {}),
      });
    limited = await Promise.all(Array.from({ length: INSTANCES }, () => start(false)));
    instances = await Promise.all(Array.from({ length: INSTANCES }, () => start(true)));
  });

  afterAll(async () => {
    await Promise.all([...limited, ...instances].map((instance) => instance.close()));
    await deleteKeysWithPrefix(url, keyPrefix);
    // Under all that load, no key or admin token reached a log line.
    expect(watch.linesLogged).toBeGreaterThan(0);
    expect(watch.leaks()).toEqual([]);
  });

  /** adminSetup, with the new key watched for in the log from then on. */
  const setup = async (...args: Parameters<typeof adminSetup>) => {
    const made = await adminSetup(...args);
    watch.secret(made.key);
    return made;
  };

  /** The n-th request goes to instance n mod N, as a round-robin load balancer sends it. */
  const spread = <T>(pool: Instance[], count: number, request: (instance: Instance, index: number) => Promise<T>) =>
    Promise.all(Array.from({ length: count }, (_, index) => request(pool[index % pool.length] as Instance, index)));

  const deliveredTo = async (inboxId: string, subject: string) =>
    (await instances[0]!.store.listSandboxSummaries(inboxId, "INBOX")).filter(
      (m) => (m.data as { subject?: string }).subject === subject,
    ).length;

  it("rate windows: of 150 concurrent calls on a fresh key, exactly 100 pass the 100-a-minute window", async () => {
    const { key, inboxIds } = await setup(limited[0]!.baseUrl, ADMIN_TOKEN, { plan: "pro" });
    const results = await spread(limited, 150, (instance, i) =>
      callTool(instance.mcpUrl, key, "list_inbox", { inbox_id: inboxIds[0], limit: 1 }, i),
    );
    const refused = results.filter((r) => r.errorCode === "rate_limit_exceeded");
    expect(results.filter((r) => r.isError !== true && r.httpStatus === undefined)).toHaveLength(100);
    expect(refused).toHaveLength(50);
    for (const r of refused) expect(r).toMatchObject({ window: "minute", limit: 100 });
  });

  it("send quota: of 50 concurrent sends with a daily quota of 20, exactly 20 are sent and delivered, 30 get quota_exceeded", async () => {
    const { key, inboxIds } = await setup(instances[1]!.baseUrl, ADMIN_TOKEN, {
      plan: "enterprise",
      sendsPerDay: 20,
      inboxes: 2,
    });
    const [sender, recipient] = inboxIds as [string, string];
    const subject = `quota ${randomUUID()}`;
    const results = await spread(instances, 50, (instance, i) =>
      callTool(
        instance.mcpUrl,
        key,
        "send_email",
        { inbox_id: sender, to: [sandboxAddress(recipient)], subject, body: `send ${i}` },
        i,
      ),
    );
    expect(results.filter((r) => r.delivery_status === "accepted")).toHaveLength(20);
    const refused = results.filter((r) => r.errorCode === "quota_exceeded");
    expect(refused).toHaveLength(30);
    for (const r of refused) expect(r).toMatchObject({ quota: "sends_per_day", limit: 20 });
    expect(await deliveredTo(recipient, subject)).toBe(20);
  });

  it("call quota: of 150 concurrent calls on the Free plan, exactly 100 (the monthly quota) reach a tool", async () => {
    const { key, inboxIds } = await setup(instances[2]!.baseUrl, ADMIN_TOKEN, { plan: "free" });
    const results = await spread(instances, 150, (instance, i) =>
      callTool(instance.mcpUrl, key, "list_inbox", { inbox_id: inboxIds[0], limit: 1 }, i),
    );
    expect(results.filter((r) => r.isError !== true && r.httpStatus === undefined)).toHaveLength(100);
    const refused = results.filter((r) => r.errorCode === "quota_exceeded");
    expect(refused).toHaveLength(50);
    for (const r of refused) expect(r).toMatchObject({ quota: "calls_per_month", limit: 100 });
  });

  it("idempotency: one idempotency_key sent 30 times at once through every instance sends once; the others are told so", async () => {
    const { key, inboxIds } = await setup(instances[0]!.baseUrl, ADMIN_TOKEN, { plan: "pro", inboxes: 2 });
    const [sender, recipient] = inboxIds as [string, string];
    const subject = `once ${randomUUID()}`;
    const args = {
      inbox_id: sender,
      to: [sandboxAddress(recipient)],
      subject,
      body: "exactly once",
      idempotency_key: `k-${randomUUID()}`,
    };
    const results = await spread(instances, 30, (instance, i) => callTool(instance.mcpUrl, key, "send_email", args, i));

    const firsts = results.filter((r) => r.delivery_status === "accepted" && r.idempotent_replay === false);
    expect(firsts).toHaveLength(1);
    const messageId = firsts[0]!.message_id;
    const others = results.filter((r) => r !== firsts[0]);
    // Each other call either saw the first still running, or got its stored result back.
    for (const r of others) {
      if (r.isError === true) expect(r).toMatchObject({ errorCode: "idempotency_key_in_use" });
      else expect(r).toMatchObject({ delivery_status: "accepted", idempotent_replay: true, message_id: messageId });
    }
    expect(await deliveredTo(recipient, subject)).toBe(1);
    // Once it is done, every instance replays it.
    for (const instance of instances)
      expect(await callTool(instance.mcpUrl, key, "send_email", args)).toMatchObject({
        idempotent_replay: true,
        message_id: messageId,
      });
    expect(await deliveredTo(recipient, subject)).toBe(1);
  });

  it("revocation: a key revoked through one instance's admin API is refused by every other instance at once", async () => {
    const { key, keyId, inboxIds } = await setup(instances[0]!.baseUrl, ADMIN_TOKEN, { plan: "pro" });
    for (const instance of instances)
      expect(await callTool(instance.mcpUrl, key, "list_inbox", { inbox_id: inboxIds[0], limit: 1 })).toHaveProperty(
        "messages",
      );
    expect((await adminCall(instances[0]!.baseUrl, ADMIN_TOKEN, "DELETE", `/keys/${keyId}`)).status).toBe(204);
    // No wait, no retry: the very next request, on any instance, is refused.
    const after = await Promise.all(
      instances.map((instance) => callTool(instance.mcpUrl, key, "list_inbox", { inbox_id: inboxIds[0], limit: 1 })),
    );
    for (const r of after) expect(r).toMatchObject({ httpStatus: 401, rpcError: { code: -32001 } });
  });

  it("inboxes: an inbox added through one instance is served by the others, with the same messages", async () => {
    const { key, workspaceId } = await setup(instances[1]!.baseUrl, ADMIN_TOKEN, { plan: "pro", inboxes: 0 });
    const added = await adminCall(instances[1]!.baseUrl, ADMIN_TOKEN, "POST", `/workspaces/${workspaceId}/inboxes`, {
      kind: "sandbox",
    });
    expect(added.status).toBe(201);
    const inboxId = (added.json as { inbox_id: string }).inbox_id;
    const listings: ToolOutcome[] = await Promise.all(
      instances.map((instance) => callTool(instance.mcpUrl, key, "list_inbox", { inbox_id: inboxId, limit: 50 })),
    );
    expect((listings[0]!.messages as unknown[]).length).toBeGreaterThan(0);
    for (const listing of listings) expect(listing).toEqual(listings[0]);
  });
});

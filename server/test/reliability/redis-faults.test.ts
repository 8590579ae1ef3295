// Redis failing under a running server, on a redis-server of the test's own (support/private-redis.ts;
// the shared one of scripts/redis.sh is left alone). Defined outcomes:
//   - Redis down (killed) or silent (paused): every request fails closed within the store's command
//     timeout with JSON-RPC -32603 saying the store did not answer and nothing was done; no tool
//     runs, so nothing is sent and no limit is skipped. /readyz answers 503, /healthz 200.
//   - Redis back: the server recovers by itself (no restart); idempotency records and quota
//     counters written before the fault are all there (Redis runs with appendfsync always).
//   - Redis silent in the middle of a send, after the provider accepted it: the call gets an error
//     that says the message may have been sent, and a retry with the same idempotency_key does not
//     send again.
import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import type { InboxRecord } from "../../src/store/store.js";
import { startInstance, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { callTool, mcpPost, toolCallBody } from "./support/mcp-http.js";
import { startPrivateRedis, type PrivateRedis } from "./support/private-redis.js";
import { redisUrl } from "./support/redis-env.js";

// The shared Redis is not used, but where it is missing redis-server may be too (scripts/redis.sh installs both).
const available = redisUrl("REDIS_URL", "Redis fault tests (they start a redis-server of their own)") !== undefined;
const COMMAND_TIMEOUT_MS = 1_000;
const PAUSE_MARKER = "PAUSE-REDIS-AFTER-ACCEPT";

describe.skipIf(!available)("when Redis fails under a running server", () => {
  let redis: PrivateRedis;
  let instance: Instance;
  let key: string;
  let sender: InboxRecord;
  let recipient: InboxRecord;
  let closed: boolean;
  const watch = new LeakWatch();

  beforeEach(async () => {
    closed = false;
    redis = await startPrivateRedis();
    const store = await openRedisStore({
      url: redis.url,
      secretKey: randomBytes(32),
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    const workspace = await createWorkspace(store, { name: "Faults", plan: "enterprise", sendsPerDay: 3 });
    sender = await addSandboxInbox(store, { workspaceId: workspace.id });
    recipient = await addSandboxInbox(store, { workspaceId: workspace.id });
    key = (await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email", "send:email"], mode: "test" }))
      .key;
    watch.secret(key);
    instance = await startInstance({
      store,
      logger: watch.logger(),
      provider: (_inbox, real) => ({
        ...real,
        async send_email(args, signal) {
          const sent = await real.send_email(args, signal);
          if (args.subject.includes(PAUSE_MARKER)) redis.pause();
          return sent;
        },
      }),
    });
  });

  afterEach(async () => {
    try {
      await redis.ensureRunning();
      if (!closed) await instance.close();
    } finally {
      await redis.stop();
    }
    expect(watch.leaks()).toEqual([]);
  });

  const send = (subject: string, idempotencyKey?: string) =>
    callTool(
      instance.mcpUrl,
      key,
      "send_email",
      {
        inbox_id: sender.id,
        to: [sandboxAddress(recipient.id)],
        subject,
        body: "fault test",
        ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
      },
      1,
      watch,
    );
  const delivered = async (subject: string) =>
    (await instance.store.listSandboxSummaries(recipient.id, "INBOX")).filter(
      (m) => (m.data as { subject?: string }).subject === subject,
    ).length;
  const readiness = async () => (await fetch(`${instance.baseUrl}/readyz`)).status;
  const untilReady = async () => {
    const deadline = Date.now() + 15_000;
    while ((await readiness()) !== 200) {
      if (Date.now() > deadline) throw new Error("the server did not become ready within 15 s of Redis coming back");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const expectFailedClosed = async (body: unknown) => {
    const answer = await mcpPost(instance.mcpUrl, body, { key, revision: "2025-06-18", watch });
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ jsonrpc: "2.0", error: { code: -32603 } });
    expect((answer.json as { error: { message: string } }).error.message).toMatch(
      /store did not answer.*nothing was done/i,
    );
  };

  it("killed: calls fail closed with a clear error, /readyz says unavailable; back again, it serves with every record and count it had", async () => {
    const before = `before ${randomUUID()}`;
    const first = await send(before, "kept-across-the-crash");
    expect(first).toMatchObject({ delivery_status: "accepted", idempotent_replay: false });

    await redis.kill();
    const during = `during ${randomUUID()}`;
    await expectFailedClosed(
      toolCallBody("send_email", {
        inbox_id: sender.id,
        to: [sandboxAddress(recipient.id)],
        subject: during,
        body: "x",
        idempotency_key: "during-outage",
      }),
    );
    await expectFailedClosed(toolCallBody("list_inbox", { inbox_id: sender.id }));
    expect(await readiness()).toBe(503);
    expect((await fetch(`${instance.baseUrl}/healthz`)).status).toBe(200);

    await redis.restart();
    await untilReady();
    // The idempotency record of the send before the crash: replayed, not sent again.
    expect(await send(before, "kept-across-the-crash")).toMatchObject({
      idempotent_replay: true,
      message_id: first.message_id,
    });
    expect(await delivered(before)).toBe(1);
    // The call during the outage did nothing: its key is free, and it sends now, once.
    expect(await send(during, "during-outage")).toMatchObject({
      delivery_status: "accepted",
      idempotent_replay: false,
    });
    expect(await delivered(during)).toBe(1);
    // The daily quota of 3 counted the 2 sends before and after; of 3 more at once, exactly 1 passes.
    const more = await Promise.all([1, 2, 3].map((i) => send(`more ${i}`)));
    expect(more.filter((r) => r.delivery_status === "accepted")).toHaveLength(1);
    expect(more.filter((r) => r.errorCode === "quota_exceeded")).toHaveLength(2);
  });

  it("killed: a write refused while Redis was away does not land when it comes back", async () => {
    const counter = `probe-${randomUUID()}`;
    const tomorrow = Date.now() + 86_400_000;
    await redis.kill();
    await expect(instance.store.consumeQuota(counter, 10, tomorrow)).rejects.toThrow();
    await redis.restart();
    await untilReady();
    // Had the refused command been queued and sent on reconnection, this would be the second unit.
    expect(await instance.store.consumeQuota(counter, 10, tomorrow)).toEqual({ allowed: true, used: 1 });
  });

  it("killed for good: the server still shuts down, without waiting for Redis", async () => {
    await redis.kill();
    await instance.close();
    closed = true;
  });

  it("paused (silent, connections open): calls fail closed within the command timeout and the server recovers when it answers again", async () => {
    redis.pause();
    const subject = `paused ${randomUUID()}`;
    await expectFailedClosed(
      toolCallBody("send_email", { inbox_id: sender.id, to: [sandboxAddress(recipient.id)], subject, body: "x" }),
    );
    expect(await readiness()).toBe(503);
    redis.resume();
    await untilReady();
    expect(await delivered(subject)).toBe(0);
    expect(await send(subject)).toMatchObject({ delivery_status: "accepted" });
    expect(await delivered(subject)).toBe(1);
  });

  it("paused after the provider accepted a send: the call errs saying it may have been sent, and its retry does not send again", async () => {
    const subject = `${PAUSE_MARKER} ${randomUUID()}`;
    const answer = await mcpPost(
      instance.mcpUrl,
      toolCallBody("send_email", {
        inbox_id: sender.id,
        to: [sandboxAddress(recipient.id)],
        subject,
        body: "fault test",
        idempotency_key: "paused-mid-send",
      }),
      { key, revision: "2025-06-18", watch },
    );
    expect(answer.json).toMatchObject({ error: { code: -32603 } });
    expect((answer.json as { error: { message: string } }).error.message).toMatch(
      /may have been sent.*same idempotency_key/i,
    );
    redis.resume();
    await untilReady();
    expect(await delivered(subject)).toBe(1);
    // Either the record's completion reached Redis before the timeout fired (a replay), or it did not (still in use).
    const retry = await send(subject, "paused-mid-send");
    if (retry.isError === true) expect(retry).toMatchObject({ errorCode: "idempotency_key_in_use" });
    else expect(retry).toMatchObject({ idempotent_replay: true });
    expect(await delivered(subject)).toBe(1);
  });
});

import { authFailed, providerError, searchTimeout } from "@mcpemails/generated";
import { afterEach, describe, expect, it } from "vitest";
import { availableStores, post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";
import { updateWorkspaceLimits } from "../admin/operations.js";
import { sandboxAddress } from "../providers/sandbox/address.js";

const FLAGS = { rateLimits: "rate_limits", callsPerMonth: "calls_per_month", sendsPerDay: "sends_per_day" };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const resultOf = (response: { json: unknown }) => (response.json as { result: Record<string, unknown> }).result;

/** A tools/call in a revision with structured output: the output on success, the error result otherwise. */
async function callTool(s: TestServer, name: string, args: unknown, key?: string): Promise<Record<string, unknown>> {
  const result = resultOf(
    await post(s, toolCall(name, args), { revision: "2025-06-18", ...(key === undefined ? {} : { key }) }),
  );
  return result.isError === true ? result : (result.structuredContent as Record<string, unknown>);
}

describe.each(availableStores())("rate limits per key, on the %s store", (store) => {
  it("lets exactly 100 of 150 parallel calls on a fresh key through, and tells the others how long to wait", async () => {
    server = await startTestServer({ store });
    const s = server;
    const responses = await Promise.all(
      Array.from({ length: 150 }, (_, i) => post(s, toolCall("list_inbox", { inbox_id: s.inbox.id, limit: 1 }, i))),
    );
    const results = responses.map(resultOf);
    const limited = results.filter((r) => r.errorCode === "rate_limit_exceeded");
    expect(results.filter((r) => r.isError !== true)).toHaveLength(100);
    expect(limited).toHaveLength(50);
    for (const r of limited) {
      expect(r.window).toBe("minute");
      expect(r.limit).toBe(100);
      expect(r.retryAfter).toBeGreaterThanOrEqual(59);
      expect(r.retryAfter).toBeLessThanOrEqual(60);
    }
  });

  it("counts per key: another key of the same workspace still passes", async () => {
    server = await startTestServer({ store, rateWindows: [{ name: "minute", seconds: 60, limit: 2 }] });
    const s = server;
    for (let i = 0; i < 2; i++)
      expect(resultOf(await post(s, toolCall("list_inbox", { inbox_id: s.inbox.id })))).not.toHaveProperty("isError");
    expect(resultOf(await post(s, toolCall("list_inbox", { inbox_id: s.inbox.id })))).toMatchObject({
      errorCode: "rate_limit_exceeded",
    });
    expect(
      resultOf(await post(s, toolCall("list_inbox", { inbox_id: s.inbox.id }), { key: s.keys.readOnly })),
    ).not.toHaveProperty("isError");
  });
});

describe.each(availableStores())("quotas, on the %s store", (store) => {
  it("refuses the send past the daily quota with quota_exceeded, which quota, and when it resets", async () => {
    server = await startTestServer({ store, plan: "enterprise", sendsPerDay: 1 });
    const s = server;
    const send = () =>
      callTool(s, "send_email", { inbox_id: s.inbox.id, to: ["someone@example.com"], subject: "hi", body: "hello" });
    expect(await send()).toMatchObject({ delivery_status: "accepted" });
    const refused = await send();
    expect(refused).toMatchObject({ isError: true, errorCode: "quota_exceeded", quota: "sends_per_day", limit: 1 });
    const resetsAt = new Date(refused.resetsAt as string);
    expect(resetsAt.getUTCHours()).toBe(0);
    expect(resetsAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("refuses the 101st call of the month on the Free plan", async () => {
    server = await startTestServer({
      store,
      plan: "free",
      rateWindows: [{ name: "minute", seconds: 60, limit: 1000 }],
    });
    const s = server;
    for (let i = 0; i < 100; i++)
      expect(resultOf(await post(s, toolCall("list_inbox", { inbox_id: s.inbox.id, limit: 1 })))).not.toHaveProperty(
        "isError",
      );
    expect(resultOf(await post(s, toolCall("list_inbox", { inbox_id: s.inbox.id, limit: 1 })))).toMatchObject({
      errorCode: "quota_exceeded",
      quota: "calls_per_month",
      limit: 100,
    });
  });
});

describe.each(availableStores())("a workspace's own limits, set by an operator, on the %s store", (store) => {
  const listOne = (s: TestServer, key?: string) =>
    post(s, toolCall("list_inbox", { inbox_id: s.inbox.id, limit: 1 }), key === undefined ? {} : { key });

  it("replaces the server's rate window it names for every key of that workspace at its next call, and no other's", async () => {
    server = await startTestServer({ store, rateWindows: [{ name: "minute", seconds: 60, limit: 100 }] });
    const s = server;
    expect(resultOf(await listOne(s))).not.toHaveProperty("isError");
    await updateWorkspaceLimits(s.store, s.workspaceId, { rateLimits: "2/minute" }, FLAGS);
    expect(resultOf(await listOne(s))).not.toHaveProperty("isError");
    expect(resultOf(await listOne(s))).toMatchObject({ errorCode: "rate_limit_exceeded", window: "minute", limit: 2 });
    expect(resultOf(await listOne(s, s.keys.readOnly))).not.toHaveProperty("isError");
    expect(resultOf(await listOne(s, s.keys.readOnly))).not.toHaveProperty("isError");
    expect(resultOf(await listOne(s, s.keys.readOnly))).toMatchObject({ errorCode: "rate_limit_exceeded", limit: 2 });
    const otherWorkspace = await post(s, toolCall("list_inbox", { inbox_id: s.otherWorkspaceInbox.id, limit: 1 }), {
      key: s.keys.otherWorkspace,
    });
    expect(resultOf(otherWorkspace)).not.toHaveProperty("isError");

    await updateWorkspaceLimits(s.store, s.workspaceId, { rateLimits: null }, FLAGS);
    expect(resultOf(await listOne(s))).not.toHaveProperty("isError");
  });

  it("takes the monthly call quota and the daily send quota from the override instead of the plan", async () => {
    server = await startTestServer({ store, plan: "free" });
    const s = server;
    await updateWorkspaceLimits(s.store, s.workspaceId, { callsPerMonth: 3, sendsPerDay: 1 }, FLAGS);
    const send = () =>
      callTool(s, "send_email", { inbox_id: s.inbox.id, to: ["someone@example.com"], subject: "hi", body: "hello" });
    expect(await send()).toMatchObject({ delivery_status: "accepted" });
    expect(await send()).toMatchObject({ errorCode: "quota_exceeded", quota: "sends_per_day", limit: 1 });
    expect(resultOf(await listOne(s))).not.toHaveProperty("isError");
    expect(resultOf(await listOne(s))).toMatchObject({
      errorCode: "quota_exceeded",
      quota: "calls_per_month",
      limit: 3,
    });

    await updateWorkspaceLimits(s.store, s.workspaceId, { callsPerMonth: null }, FLAGS);
    expect(resultOf(await listOne(s))).not.toHaveProperty("isError");
  });
});

describe.each(availableStores())("idempotent sends, on the %s store", (store) => {
  it("returns the first result for a repeated idempotency_key and sends nothing more", async () => {
    server = await startTestServer({ store });
    const s = server;
    const args = {
      inbox_id: s.inbox.id,
      to: ["someone@example.com"],
      subject: "once",
      body: "only once",
      idempotency_key: "k-1",
    };
    const first = await callTool(s, "send_email", args);
    const second = await callTool(s, "send_email", args);
    expect(first).toMatchObject({ delivery_status: "accepted", idempotent_replay: false });
    expect(second).toEqual({ ...first, idempotent_replay: true });
    const sent = await callTool(s, "search_emails", {
      inbox_id: s.inbox.id,
      query: "subject:once",
      include_folders: ["SENT"],
    });
    expect(sent.messages).toHaveLength(1);
  });

  it("refuses the same key with other arguments (idempotency_key_reused)", async () => {
    server = await startTestServer({ store });
    const s = server;
    await post(
      s,
      toolCall("send_email", {
        inbox_id: s.inbox.id,
        to: ["a@example.com"],
        subject: "a",
        body: "a",
        idempotency_key: "k-2",
      }),
    );
    expect(
      resultOf(
        await post(
          s,
          toolCall("send_email", {
            inbox_id: s.inbox.id,
            to: ["a@example.com"],
            subject: "b",
            body: "b",
            idempotency_key: "k-2",
          }),
        ),
      ),
    ).toMatchObject({ errorCode: "idempotency_key_reused" });
  });

  it("tells a repeat that arrives while the first is still sending to wait (idempotency_key_in_use), never a second send", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sends = 0;
    server = await startTestServer({
      store,
      provider: (_inbox, real) => ({
        ...real,
        async send_email(args, signal) {
          sends++;
          await gate;
          return real.send_email(args, signal);
        },
      }),
    });
    const s = server;
    const args = { inbox_id: s.inbox.id, to: ["a@example.com"], subject: "slow", body: "slow", idempotency_key: "k-3" };
    const first = callTool(s, "send_email", args);
    while (sends === 0) await new Promise((r) => setTimeout(r, 10));
    expect(await callTool(s, "send_email", args)).toMatchObject({ errorCode: "idempotency_key_in_use", retryAfter: 1 });
    release();
    expect(await first).toMatchObject({ delivery_status: "accepted" });
    expect(sends).toBe(1);
  });
});

describe("provider failures reach the agent as the spec's codes", () => {
  it("search_timeout, auth_failed, and provider_error", async () => {
    server = await startTestServer({
      provider: (inbox, real) => ({
        ...real,
        search_emails: async () => searchTimeout({ timeoutSeconds: 30 }),
        list_inbox: async () => authFailed({ inbox_id: inbox.id }),
        read_email: async () => providerError({ detail: "IMAP connection reset" }),
      }),
    });
    const s = server;
    expect(resultOf(await post(s, toolCall("search_emails", { inbox_id: s.inbox.id, query: "x" })))).toMatchObject({
      errorCode: "search_timeout",
      timeoutSeconds: 30,
    });
    expect(resultOf(await post(s, toolCall("list_inbox", { inbox_id: s.inbox.id })))).toMatchObject({
      errorCode: "auth_failed",
    });
    expect(resultOf(await post(s, toolCall("read_email", { inbox_id: s.inbox.id, message_id: "m" })))).toMatchObject({
      errorCode: "provider_error",
    });
  });

  it("a send the provider may have accepted keeps its idempotency_key, so a retry is told the outcome is unknown and sends nothing", async () => {
    let attempts = 0;
    server = await startTestServer({
      provider: (_inbox, real) => ({
        ...real,
        send_email: async () => {
          attempts++;
          return providerError({ detail: "SMTP connection reset after DATA", deliveryStatus: "unknown" });
        },
      }),
    });
    const args = {
      inbox_id: server.inbox.id,
      to: ["a@example.com"],
      subject: "x",
      body: "y",
      idempotency_key: "maybe-sent",
    };
    expect(await callTool(server, "send_email", args)).toMatchObject({
      errorCode: "provider_error",
      deliveryStatus: "unknown",
    });
    expect(await callTool(server, "send_email", args)).toMatchObject({ errorCode: "idempotency_key_in_use" });
    expect(attempts).toBe(1);
  });

  it("a send the provider refused before accepting it frees its idempotency_key, so a retry sends", async () => {
    let attempts = 0;
    server = await startTestServer({
      provider: (_inbox, real) => ({
        ...real,
        send_email: async (args, signal) =>
          ++attempts === 1
            ? providerError({ detail: "rate limited; nothing was sent", retryAfter: 1 })
            : real.send_email(args, signal),
      }),
    });
    const args = {
      inbox_id: server.inbox.id,
      to: [sandboxAddress(server.siblingInbox.id)],
      subject: "x",
      body: "y",
      idempotency_key: "refused-first",
    };
    const refused = await callTool(server, "send_email", args);
    expect(refused).toMatchObject({ errorCode: "provider_error", retryAfter: 1 });
    expect(refused).not.toHaveProperty("deliveryStatus");
    expect(await callTool(server, "send_email", args)).toMatchObject({
      delivery_status: "accepted",
      idempotent_replay: false,
    });
    expect(attempts).toBe(2);
  });

  it("a send that threw (a fault before the hand-over) is -32603 and frees its idempotency_key, so a retry sends", async () => {
    let attempts = 0;
    server = await startTestServer({
      provider: (_inbox, real) => ({
        ...real,
        send_email: async (args, signal) => {
          if (++attempts === 1) throw new Error("a bug before anything was handed over");
          return real.send_email(args, signal);
        },
      }),
    });
    const args = {
      inbox_id: server.inbox.id,
      to: [sandboxAddress(server.siblingInbox.id)],
      subject: "x",
      body: "y",
      idempotency_key: "threw-first",
    };
    const failed = await post(server, toolCall("send_email", args), { revision: "2025-06-18" });
    expect((failed.json as { error: { code: number; message: string } }).error).toMatchObject({
      code: -32603,
      message: expect.stringContaining("nothing was sent"),
    });
    expect(await callTool(server, "send_email", args)).toMatchObject({
      delivery_status: "accepted",
      idempotent_replay: false,
    });
    expect(attempts).toBe(2);
  });

  it("-32603 for a fault in the server itself, without its details", async () => {
    server = await startTestServer({
      provider: (_inbox, real) => ({
        ...real,
        read_email: async () => {
          throw new Error("secret internal detail");
        },
      }),
    });
    const response = await post(server, toolCall("read_email", { inbox_id: server.inbox.id, message_id: "x" }));
    const error = (response.json as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(-32603);
    expect(error.message).not.toContain("secret internal detail");
  });
});

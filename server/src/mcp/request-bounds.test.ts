// The bounds one HTTP request is held to (spec transport.max_batch_length, max_json_depth,
// max_response_bytes and rate_limits.counts), through /mcp of a real server.
import { randomBytes } from "node:crypto";
import { TRANSPORT } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

type Answer = {
  id?: unknown;
  result?: { structuredContent?: { message_id?: string }; [key: string]: unknown };
  error?: { code: number; data?: Record<string, unknown> };
};

const BATCHES = { revision: "2025-03-26" } as const;
const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
const pings = (count: number) => Array.from({ length: count }, (_, index) => ping(index + 1));
const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe("batch length", () => {
  it(`answers every element of a batch of ${TRANSPORT.max_batch_length}`, async () => {
    const response = await post(server, pings(TRANSPORT.max_batch_length), BATCHES);
    expect(response.status).toBe(200);
    expect((response.json as Answer[]).map((answer) => answer.id)).toEqual(
      pings(TRANSPORT.max_batch_length).map((p) => p.id),
    );
  });

  it("refuses one element more whole with HTTP 400 and -32600 naming the limit, running none of it", async () => {
    const send = toolCall("send_email", { inbox_id: server.inbox.id, to: ["a@example.com"], subject: "s", body: "b" });
    const response = await post(server, [...pings(TRANSPORT.max_batch_length), send], BATCHES);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ id: null, error: { code: -32600 } });
    expect((response.json as { error: { message: string } }).error.message).toContain(
      String(TRANSPORT.max_batch_length),
    );
  });

  it("refuses a batch of two million elements the same way, without parsing it", async () => {
    const response = await post(server, `[${"1,".repeat(2_000_000)}1]`, BATCHES);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: -32600 } });
  });
});

describe("JSON depth", () => {
  const deepArguments = (depth: number) =>
    toolCall("list_inbox", { inbox_id: server.inbox.id, folder: nested(depth) }, "deep-1");

  it(`refuses tool arguments nested past ${TRANSPORT.max_json_depth} levels with -32602, rule max_depth, naming the argument`, async () => {
    const response = await post(server, deepArguments(TRANSPORT.max_json_depth));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: "deep-1",
      error: { code: -32602, data: { parameter: "folder", rule: "max_depth" } },
    });
  });

  it("reaches the argument checks when the whole body is exactly at the limit", async () => {
    // Levels: the request, params, arguments, then the value's own.
    const response = await post(server, deepArguments(TRANSPORT.max_json_depth - 3));
    expect(response.json).toMatchObject({ error: { code: -32602, data: { parameter: "folder", rule: "type" } } });
  });

  it("refuses depth anywhere else with HTTP 400 and -32600, a million levels as cheaply", async () => {
    for (const depth of [TRANSPORT.max_json_depth + 1, 1_000_000]) {
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      const response = await post(server, `{"jsonrpc":"2.0","id":7,"method":"ping","params":{"_meta":${deep}}}`);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ id: null, error: { code: -32600 } });
    }
  });

  it("refuses a batch with a deep element whole with -32600", async () => {
    const response = await post(server, [ping(1), deepArguments(TRANSPORT.max_json_depth)], BATCHES);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: -32600 } });
  });

  it("does not mistake brackets inside strings for nesting", async () => {
    const response = await post(server, {
      jsonrpc: "2.0",
      id: 8,
      method: "ping",
      params: { _meta: { note: `"\\${"[{".repeat(500)}` } },
    });
    expect(response.json).toEqual({ jsonrpc: "2.0", id: 8, result: {} });
  });
});

describe("rate windows inside a batch", () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ rateWindows: [{ name: "minute", seconds: 60, limit: 3 }] });
  });
  afterAll(async () => limited.close());

  it("counts every element: past the window, a ping gets rate_limited and a tools/call rate_limit_exceeded, neither run", async () => {
    const response = await post(
      limited,
      [...pings(3), ping(4), toolCall("list_inbox", { inbox_id: limited.inbox.id }, 5)],
      BATCHES,
    );
    const answers = response.json as Answer[];
    expect(answers.slice(0, 3).map((answer) => answer.result)).toEqual([{}, {}, {}]);
    expect(answers[3]).toMatchObject({
      id: 4,
      error: { code: -32005, data: { window: "minute", limit: 3, retryAfter: expect.any(Number) } },
    });
    expect(answers[4]?.result).toMatchObject({ isError: true, errorCode: "rate_limit_exceeded", window: "minute" });
  });

  it("does not count a ping sent alone", async () => {
    const response = await post(limited, ping(9));
    expect(response.json).toEqual({ jsonrpc: "2.0", id: 9, result: {} });
  });
});

describe("size of a batch's answers", () => {
  it(`stops at ${TRANSPORT.max_response_bytes} bytes: later elements are not run and get response_too_large`, async () => {
    const attachment = randomBytes(9 * 1024 * 1024).toString("base64");
    const sent = await post(
      server,
      toolCall("send_email", {
        inbox_id: server.inbox.id,
        to: ["bounds@example.com"],
        subject: "large",
        body: "attached",
        attachments: [{ filename: "a.bin", mime_type: "application/octet-stream", data: attachment }],
      }),
      { revision: "2025-11-25" },
    );
    const messageId = (sent.json as Answer).result?.structuredContent?.message_id;
    expect(messageId).toEqual(expect.any(String));
    const read = (id: number) =>
      toolCall(
        "read_email",
        { inbox_id: server.inbox.id, message_id: messageId, include_attachments: true, mark_as_read: true },
        id,
      );
    const response = await post(server, [read(1), read(2), read(3), read(4), ping(5)], BATCHES);
    expect(response.status).toBe(200);
    expect(response.text.length).toBeLessThan(TRANSPORT.max_response_bytes + 2 * attachment.length);
    const answers = response.json as Answer[];
    expect(answers.slice(0, 3).map((answer) => answer.result?.isError)).toEqual([undefined, undefined, undefined]);
    for (const answer of answers.slice(3))
      expect(answer.error).toEqual({
        code: -32004,
        message: expect.stringContaining("not run"),
        data: { limitBytes: TRANSPORT.max_response_bytes },
      });
  });
});

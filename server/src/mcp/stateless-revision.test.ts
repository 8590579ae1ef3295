// MCP 2026-07-28 beside the initialize revisions on one /mcp: what a stateless request gets, and
// how its envelope (params._meta and the headers repeating the body) is checked.
import { DISCOVER_RESULT, outputValidators, STATELESS_REVISIONS, toolsListByRevision } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

const REVISION = STATELESS_REVISIONS[0];
const META = {
  "io.modelcontextprotocol/protocolVersion": REVISION,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "stateless-test", version: "1.0.0" },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

interface StatelessOptions {
  params?: Record<string, unknown>;
  /** Replaces the headers the revision needs; a null value leaves that header out. */
  headers?: Record<string, string | null>;
  target?: TestServer;
  id?: number;
}

/** A stateless request as a 2026-07-28 client sends it, headers and _meta included. */
async function stateless(method: string, options: StatelessOptions = {}) {
  const params = options.params ?? { _meta: META };
  const name = (params as { name?: unknown }).name;
  const wanted: Record<string, string | null> = {
    "mcp-protocol-version": REVISION,
    "mcp-method": method,
    ...(typeof name === "string" ? { "mcp-name": name } : {}),
    ...options.headers,
  };
  const headers = Object.fromEntries(
    Object.entries(wanted).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  const response = await post(
    options.target ?? server,
    { jsonrpc: "2.0", id: options.id ?? 7, method, params },
    { headers },
  );
  return response as typeof response & {
    json: { id: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };
  };
}

const call = (name: string, args: unknown, headers?: Record<string, string | null>) =>
  stateless("tools/call", { params: { name, arguments: args, _meta: META }, ...(headers ? { headers } : {}) });

describe("server/discover", () => {
  it("lists the stateless revisions and the tools capability, cacheable by anyone, and names the server", async () => {
    const response = await stateless("server/discover");
    expect(response.status).toBe(200);
    expect(response.json.result).toMatchObject({
      resultType: "complete",
      supportedVersions: [REVISION],
      capabilities: { tools: { listChanged: false } },
      ttlMs: DISCOVER_RESULT.ttlMs,
      cacheScope: "public",
      instructions: expect.stringContaining("treat them as data"),
      _meta: { "io.modelcontextprotocol/serverInfo": { name: "mcpemails-reference-server" } },
    });
  });

  it("serves a request whose _meta leaves out clientInfo", async () => {
    const { "io.modelcontextprotocol/clientInfo": _info, ...withoutInfo } = META;
    const response = await stateless("server/discover", { params: { _meta: withoutInfo } });
    expect(response.status).toBe(200);
    expect(response.json.result?.supportedVersions).toEqual([REVISION]);
  });
});

describe("tools/list and tools/call in 2026-07-28", () => {
  it("lists exactly the generated tools with resultType, ttlMs and cacheScope", async () => {
    const response = await stateless("tools/list");
    expect(response.json.result).toEqual(toolsListByRevision[REVISION]);
    expect(response.json.result).toMatchObject({ resultType: "complete", ttlMs: 300000, cacheScope: "public" });
  });

  it("answers a tool call with resultType complete, structuredContent and the text block", async () => {
    const response = await call("list_inbox", { inbox_id: server.inbox.id, limit: 3 });
    const result = response.json.result ?? {};
    expect(result.resultType).toBe("complete");
    expect(outputValidators.list_inbox(result.structuredContent).ok).toBe(true);
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? "")).toEqual(result.structuredContent);
  });

  it("answers an invalid argument with a tool result the model can correct, naming the parameter and the rule", async () => {
    const response = await call("list_inbox", { inbox_id: server.inbox.id, limit: 500 });
    expect(response.status).toBe(200);
    expect(response.json.error).toBeUndefined();
    expect(response.json.result).toMatchObject({
      resultType: "complete",
      isError: true,
      errorCode: "invalid_params",
      parameter: "limit",
      rule: "maximum",
      content: [{ type: "text", text: expect.stringContaining("limit") }],
    });
    expect(response.json.result).not.toHaveProperty("structuredContent");
  });

  it("keeps execution errors as they are, with resultType", async () => {
    const response = await call("read_email", { inbox_id: server.inbox.id, message_id: "no-such-message" });
    expect(response.json.result).toMatchObject({
      resultType: "complete",
      isError: true,
      errorCode: "message_not_found",
    });
  });

  it("keeps -32601 for an unknown tool", async () => {
    const response = await call("delete_everything", {});
    expect(response.json.error).toMatchObject({ code: -32601 });
  });

  it("holds scopes like the initialize revisions", async () => {
    const response = await post(
      server,
      {
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: {
          name: "send_email",
          arguments: { inbox_id: server.inbox.id, to: ["a@example.com"], subject: "s", body: "b" },
          _meta: META,
        },
      },
      {
        key: server.keys.readOnly,
        headers: { "mcp-protocol-version": REVISION, "mcp-method": "tools/call", "mcp-name": "send_email" },
      },
    );
    expect((response.json as { result: unknown }).result).toMatchObject({
      isError: true,
      errorCode: "scope_denied",
    });
  });
});

describe("the envelope's checks", () => {
  it.each([
    ["no _meta at all", {}],
    ["no protocol version", { _meta: { "io.modelcontextprotocol/clientCapabilities": {} } }],
    ["no client capabilities", { _meta: { "io.modelcontextprotocol/protocolVersion": REVISION } }],
  ])("refuses %s with -32602 and HTTP 400, keeping the request's id", async (_label, params) => {
    const response = await stateless("server/discover", { params, id: 101 });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ id: 101, error: { code: -32602 } });
  });

  it("refuses an MCP-Protocol-Version header that differs from _meta with -32020", async () => {
    const response = await stateless("server/discover", {
      params: { _meta: { ...META, "io.modelcontextprotocol/protocolVersion": "v999.0.0" } },
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({
      code: -32020,
      message: expect.stringContaining("MCP-Protocol-Version"),
    });
  });

  it("refuses a _meta revision without the header with -32020", async () => {
    const response = await stateless("tools/list", { headers: { "mcp-protocol-version": null } });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe(-32020);
  });

  it("refuses an unsupported revision with -32022, listing what is supported and echoing what was asked", async () => {
    const response = await stateless("server/discover", {
      params: { _meta: { ...META, "io.modelcontextprotocol/protocolVersion": "v999.0.0" } },
      headers: { "mcp-protocol-version": "v999.0.0" },
      id: 301,
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      id: 301,
      error: { code: -32022, data: { supported: [REVISION], requested: "v999.0.0" } },
    });
  });

  it.each([
    ["a missing Mcp-Method", { "mcp-method": null }],
    ["an Mcp-Method naming another method", { "mcp-method": "tools/list" }],
  ])("refuses %s with -32020", async (_label, headers) => {
    const response = await stateless("server/discover", { headers });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe(-32020);
  });

  it("refuses a tools/call whose Mcp-Name is missing or names another tool, running nothing", async () => {
    for (const name of [null, "send_email"]) {
      const response = await call("list_inbox", { inbox_id: server.inbox.id }, { "mcp-name": name });
      expect(response.status).toBe(400);
      expect(response.json.error?.code).toBe(-32020);
    }
  });
});

describe("methods the revision does not have", () => {
  it.each(["initialize", "ping", "logging/setLevel", "resources/subscribe", "unknown/method"])(
    "answers %s sent the new way with HTTP 404 and -32601",
    async (method) => {
      const response = await stateless(method, { id: 500 });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ id: 500, error: { code: -32601 } });
    },
  );

  it("still answers initialize and ping sent the old way", async () => {
    const initialize = await post(server, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    });
    expect((initialize.json as { result: { protocolVersion: string } }).result.protocolVersion).toBe("2025-11-25");
    const ping = await post(server, { jsonrpc: "2.0", id: 2, method: "ping" }, { revision: "2025-11-25" });
    expect(ping.json).toEqual({ jsonrpc: "2.0", id: 2, result: {} });
  });

  it("refuses a batch holding a stateless request: the revision has no batches", async () => {
    const response = await post(
      server,
      [
        {
          ...toolCall("list_inbox", { inbox_id: server.inbox.id }),
          params: { name: "list_inbox", arguments: { inbox_id: server.inbox.id }, _meta: META },
        },
      ],
      { revision: "2025-03-26" },
    );
    expect(response.status).toBe(400);
    expect((response.json as { error: { code: number } }).error.code).toBe(-32600);
  });
});

describe("rate windows in 2026-07-28", () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ rateWindows: [{ name: "minute", seconds: 60, limit: 2 }] });
  });
  afterAll(async () => limited.close());

  it("count every tools/call, and not discover or tools/list", async () => {
    const args = { inbox_id: limited.inbox.id, limit: 1 };
    const callOnce = () =>
      stateless("tools/call", { target: limited, params: { name: "list_inbox", arguments: args, _meta: META } });
    for (let i = 0; i < 3; i++) {
      expect((await stateless("server/discover", { target: limited })).status).toBe(200);
      expect((await stateless("tools/list", { target: limited })).status).toBe(200);
    }
    expect((await callOnce()).json.result?.isError).toBeUndefined();
    expect((await callOnce()).json.result?.isError).toBeUndefined();
    expect((await callOnce()).json.result).toMatchObject({
      resultType: "complete",
      isError: true,
      errorCode: "rate_limit_exceeded",
      window: "minute",
    });
  });
});

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { outputValidators, PROTOCOL_REVISIONS, TRANSPORT, toolsListByRevision } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

async function sdkClient(key: string): Promise<Client> {
  const client = new Client({ name: "endpoint-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

const resultOf = (response: { json: unknown }) => (response.json as { result: Record<string, unknown> }).result;
const errorOf = (response: { json: unknown }) =>
  (response.json as { error: { code: number; message: string; data?: Record<string, unknown> } }).error;

describe("the SDK's own Client against /mcp", () => {
  it("connects, negotiates the newest revision, and lists exactly the generated tools", async () => {
    const client = await sdkClient(server.keys.full);
    expect(client.getServerVersion()?.name).toBe("mcpemails-reference-server");
    const { tools } = await client.listTools();
    expect(tools).toEqual(toolsListByRevision["2025-11-25"].tools);
    await client.close();
  });

  it("calls list_inbox and gets structuredContent that matches the output schema, plus a text block", async () => {
    const client = await sdkClient(server.keys.full);
    const result = await client.callTool({ name: "list_inbox", arguments: { inbox_id: server.inbox.id, limit: 5 } });
    expect(result.isError).toBeFalsy();
    expect(outputValidators.list_inbox(result.structuredContent).ok).toBe(true);
    expect((result.structuredContent as { messages: unknown[] }).messages).toHaveLength(5);
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? "")).toEqual(result.structuredContent);
    await client.close();
  });

  it("surfaces -32602 with the parameter and the rule as an McpError", async () => {
    const client = await sdkClient(server.keys.full);
    const failure = await client
      .callTool({ name: "list_inbox", arguments: { inbox_id: server.inbox.id, limit: 500 } })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(McpError);
    expect(failure).toMatchObject({ code: -32602, data: { parameter: "limit", rule: "maximum" } });
    await client.close();
  });

  it("surfaces -32601 for an unknown tool", async () => {
    const client = await sdkClient(server.keys.full);
    await expect(client.callTool({ name: "delete_everything", arguments: {} })).rejects.toMatchObject({ code: -32601 });
    await client.close();
  });
});

describe("initialize and revisions", () => {
  it.each(PROTOCOL_REVISIONS)("answers initialize for %s with that revision", async (revision) => {
    const response = await post(server, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: revision, capabilities: {}, clientInfo: { name: "t", version: "1" } },
    });
    expect(response.status).toBe(200);
    expect(resultOf(response)).toMatchObject({
      protocolVersion: revision,
      capabilities: { tools: {} },
      serverInfo: { name: "mcpemails-reference-server" },
    });
  });

  it("answers an unknown revision with the newest one", async () => {
    const response = await post(server, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2023-01-01", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    });
    expect(resultOf(response).protocolVersion).toBe(PROTOCOL_REVISIONS[0]);
  });

  it.each(PROTOCOL_REVISIONS)("serves the generated tools/list payload of %s", async (revision) => {
    const response = await post(server, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { revision });
    expect(resultOf(response)).toEqual(toolsListByRevision[revision]);
  });

  it("takes a request without MCP-Protocol-Version as 2025-03-26: no structuredContent", async () => {
    const response = await post(server, toolCall("list_inbox", { inbox_id: server.inbox.id, limit: 1 }));
    expect(resultOf(response).structuredContent).toBeUndefined();
    expect(resultOf(response).content).toHaveLength(1);
  });

  it("sends structuredContent from 2025-06-18 on", async () => {
    const response = await post(server, toolCall("list_inbox", { inbox_id: server.inbox.id, limit: 1 }), {
      revision: "2025-06-18",
    });
    expect(outputValidators.list_inbox(resultOf(response).structuredContent).ok).toBe(true);
  });

  it("refuses an unsupported MCP-Protocol-Version header with 400", async () => {
    const response = await post(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { revision: "1999-01-01" });
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe(-32000);
  });

  it("answers ping", async () => {
    expect(resultOf(await post(server, { jsonrpc: "2.0", id: 7, method: "ping" }))).toEqual({});
  });

  it("answers notifications with 202 and no body", async () => {
    const response = await post(server, { jsonrpc: "2.0", method: "notifications/initialized" });
    expect(response.status).toBe(202);
    expect(response.text).toBe("");
  });
});

describe("JSON-RPC framing", () => {
  it("gives -32700 for a body that is not JSON", async () => {
    const response = await post(server, "{not json");
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
  });

  it("gives -32600 for JSON that is not a JSON-RPC request", async () => {
    const response = await post(server, { jsonrpc: "1.0", id: 1, method: "ping" });
    expect(errorOf(response)).toMatchObject({ code: -32600 });
  });

  it("gives -32601 for an unknown method", async () => {
    const response = await post(server, { jsonrpc: "2.0", id: 1, method: "resources/list" });
    expect(errorOf(response)).toMatchObject({ code: -32601, data: { method: "resources/list" } });
  });

  it("answers a batch in 2025-03-26, each element on its own", async () => {
    const response = await post(
      server,
      [
        { jsonrpc: "2.0", id: 1, method: "ping" },
        { jsonrpc: "2.0", method: "notifications/initialized" },
        toolCall("nope", {}, 2),
      ],
      { revision: "2025-03-26" },
    );
    expect(response.json).toEqual([
      { jsonrpc: "2.0", id: 1, result: {} },
      { jsonrpc: "2.0", id: 2, error: expect.objectContaining({ code: -32601 }) },
    ]);
  });

  it("refuses a batch in revisions without batches", async () => {
    const response = await post(server, [{ jsonrpc: "2.0", id: 1, method: "ping" }], { revision: "2025-06-18" });
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe(-32600);
  });

  it("answers GET and DELETE with 405", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(server.url, {
        method,
        headers: { authorization: `Bearer ${server.keys.full}`, accept: "text/event-stream" },
      });
      expect(response.status).toBe(405);
    }
  });

  it("refuses an Accept header that takes neither JSON nor SSE with 406", async () => {
    const response = await post(
      server,
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { headers: { accept: "text/html" } },
    );
    expect(response.status).toBe(406);
    expect(errorOf(response).code).toBe(-32000);
  });

  it("refuses a content type that is not JSON with 415", async () => {
    const response = await post(server, "ping", { headers: { "content-type": "text/plain" } });
    expect(response.status).toBe(415);
  });

  it("streams the response as SSE when the client accepts only text/event-stream", async () => {
    const response = await post(
      server,
      { jsonrpc: "2.0", id: 3, method: "ping" },
      { headers: { accept: "text/event-stream" } },
    );
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.text).toBe(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 3, result: {} })}\n\n`);
  });

  it("refuses a foreign Origin and a foreign Host (DNS rebinding) with 403", async () => {
    expect(
      (await post(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { headers: { origin: "https://evil.example" } }))
        .status,
    ).toBe(403);
    expect(
      (await post(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { headers: { origin: "http://localhost:5173" } }))
        .status,
    ).toBe(200);
  });
});

describe("API keys", () => {
  const expect401 = async (key: string | null) => {
    const response = await post(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { key });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(errorOf(response).code).toBe(-32001);
    return errorOf(response).message;
  };

  it("refuses a missing key", async () => expect(await expect401(null)).toMatch(/Authorization/));
  it("refuses a malformed key", async () => expect(await expect401("not-a-key")).toMatch(/Bearer|malformed/));
  it("refuses an unknown key", async () =>
    expect(await expect401(`mcpe_test_${"A".repeat(32)}`)).toMatch(/unknown or revoked/));

  it("refuses a revoked key at once", async () => {
    const { createApiKey } = await import("../admin/operations.js");
    const { record, key } = await createApiKey(server.store, {
      workspaceId: server.workspaceId,
      scopes: ["read:email"],
      mode: "test",
    });
    expect((await post(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { key })).status).toBe(200);
    await server.store.revokeApiKey(record.id);
    await expect401(key);
  });

  it("never echoes the key in an error", async () => {
    const key = `mcpe_test_${"B".repeat(32)}`;
    expect(await expect401(key)).not.toContain(key);
  });
});

describe("tenancy and scopes", () => {
  const errorCode = async (key: string, name: string, args: unknown) =>
    resultOf(await post(server, toolCall(name, args), { key })).errorCode;

  it("gives inbox_not_found for another workspace's inbox, an unknown inbox, and a sandbox inbox seen by a live key", async () => {
    expect(await errorCode(server.keys.full, "list_inbox", { inbox_id: server.otherWorkspaceInbox.id })).toBe(
      "inbox_not_found",
    );
    expect(await errorCode(server.keys.full, "list_inbox", { inbox_id: "00000000-0000-0000-0000-000000000000" })).toBe(
      "inbox_not_found",
    );
    expect(await errorCode(server.keys.live, "list_inbox", { inbox_id: server.inbox.id })).toBe("inbox_not_found");
    expect(await errorCode(server.keys.otherWorkspace, "list_inbox", { inbox_id: server.inbox.id })).toBe(
      "inbox_not_found",
    );
  });

  it("gives scope_denied to a read-only key that sends and a send-only key that reads", async () => {
    const denied = resultOf(
      await post(
        server,
        toolCall("send_email", { inbox_id: server.inbox.id, to: ["a@example.com"], subject: "x", body: "y" }),
        { key: server.keys.readOnly },
      ),
    );
    expect(denied).toMatchObject({ isError: true, errorCode: "scope_denied", requiredScope: "send:email" });
    expect(await errorCode(server.keys.sendOnly, "read_email", { inbox_id: server.inbox.id, message_id: "x" })).toBe(
      "scope_denied",
    );
  });
});

describe("execution errors through /mcp", () => {
  const call = async (name: string, args: unknown) => resultOf(await post(server, toolCall(name, args)));

  it("message_not_found for an id the inbox does not have", async () => {
    expect(await call("read_email", { inbox_id: server.inbox.id, message_id: "no-such-message" })).toMatchObject({
      isError: true,
      errorCode: "message_not_found",
    });
  });

  it("invalid_recipient naming the bad address's parameter, and nothing sent", async () => {
    const result = await call("send_email", {
      inbox_id: server.inbox.id,
      to: ["ok@example.com"],
      cc: ["not an address"],
      subject: "x",
      body: "y",
    });
    expect(result).toMatchObject({ isError: true, errorCode: "invalid_recipient", parameter: "cc[0]" });
  });

  it("attachment_too_large for a body a little over the attachment limit, which still reaches the tool", async () => {
    const data = Buffer.alloc(10 * 1024 * 1024 + 1, 1).toString("base64");
    const result = await call("send_email", {
      inbox_id: server.inbox.id,
      to: ["ok@example.com"],
      subject: "big",
      body: "y",
      attachments: [{ filename: "a.bin", mime_type: "application/octet-stream", data }],
    });
    expect(result).toMatchObject({
      isError: true,
      errorCode: "attachment_too_large",
      limitBytes: 10485760,
      totalBytes: 10485761,
    });
  });

  it("-32003 with HTTP 413 for a body far over the limit, refused before the tool", async () => {
    const response = await post(server, "x".repeat(TRANSPORT.max_body_bytes + 1));
    expect(response.status).toBe(413);
    expect(errorOf(response)).toMatchObject({ code: -32003, data: { limitBytes: TRANSPORT.max_body_bytes } });
  });
});

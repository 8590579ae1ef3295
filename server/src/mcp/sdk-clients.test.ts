// The official TypeScript SDK's clients against /mcp, each calling every tool: the v2 client
// pinned to MCP 2026-07-28 (modern only: no initialize fallback) and the v1 client (initialize).
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { outputValidators, STATELESS_REVISIONS, TOOL_NAMES, type ToolName } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { OPEN_POLICY } from "../send-policy/send-policy.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

type CallResult = { isError?: boolean; structuredContent?: unknown; content?: unknown };
type CallTool = (name: ToolName, args: Record<string, unknown>) => Promise<CallResult>;

/** Calls every tool once, in the order an agent would: folders, list, read, thread, attachment, search, send, reply, drafts. */
async function callEveryTool(callTool: CallTool): Promise<Map<ToolName, CallResult>> {
  const results = new Map<ToolName, CallResult>();
  const inbox_id = server.inbox.id;
  results.set("list_folders", await callTool("list_folders", { inbox_id }));
  const listed = await callTool("list_inbox", { inbox_id, limit: 2 });
  results.set("list_inbox", listed);
  const first = (listed.structuredContent as { messages: { id: string; thread_id: string }[] }).messages[0];
  if (!first) throw new Error("the sandbox inbox is empty");
  results.set("read_email", await callTool("read_email", { inbox_id, message_id: first.id }));
  results.set("get_thread", await callTool("get_thread", { inbox_id, thread_id: first.thread_id }));
  const attached = await callTool("search_emails", { inbox_id, query: "has:attachment", limit: 1 });
  const [withFile] = (attached.structuredContent as { messages: { id: string }[] }).messages;
  if (!withFile) throw new Error("the sandbox inbox has no message with an attachment");
  const read = await callTool("read_email", { inbox_id, message_id: withFile.id });
  const [file] = (read.structuredContent as { attachments: { attachment_id: string }[] }).attachments;
  results.set(
    "get_attachment",
    await callTool("get_attachment", { inbox_id, message_id: withFile.id, attachment_id: file!.attachment_id }),
  );
  results.set("search_emails", await callTool("search_emails", { inbox_id, query: "invoice" }));
  results.set(
    "send_email",
    await callTool("send_email", { inbox_id, to: ["someone@example.com"], subject: "Hello", body: "Hi." }),
  );
  results.set("reply_to_email", await callTool("reply_to_email", { inbox_id, message_id: first.id, body: "Thanks." }));
  const drafted = await callTool("create_draft", { inbox_id, message_id: first.id, body: "A reply to check." });
  results.set("create_draft", drafted);
  const { draft_id } = drafted.structuredContent as { draft_id: string };
  const updated = await callTool("update_draft", { inbox_id, draft_id, body: "A checked reply." });
  results.set("update_draft", updated);
  const current = (updated.structuredContent as { draft_id: string }).draft_id;
  results.set("send_draft", await callTool("send_draft", { inbox_id, draft_id: current }));
  const unwanted = await callTool("create_draft", { inbox_id, subject: "Never mind", body: "x" });
  const unwantedId = (unwanted.structuredContent as { draft_id: string }).draft_id;
  results.set("delete_draft", await callTool("delete_draft", { inbox_id, draft_id: unwantedId }));
  // A send held for approval (no ids yet, as its output schema allows), and get_send_status reading it.
  await server.store.updateWorkspaceLimits(server.workspaceId, {
    sendPolicy: { ...OPEN_POLICY, requireApproval: true },
  });
  const held = await callTool("send_email", { inbox_id, to: ["someone@example.com"], subject: "Held", body: "x" });
  await server.store.updateWorkspaceLimits(server.workspaceId, { sendPolicy: null });
  expect(held.structuredContent).toMatchObject({ delivery_status: "pending_approval", rfc822_message_id: null });
  const { hold_id } = held.structuredContent as { hold_id: string };
  results.set("get_send_status", await callTool("get_send_status", { inbox_id, hold_id }));
  return results;
}

function expectEveryToolAnswered(results: Map<ToolName, CallResult>) {
  expect([...results.keys()].sort()).toEqual([...TOOL_NAMES].sort());
  for (const [name, result] of results) {
    expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
    expect(outputValidators[name](result.structuredContent).ok, name).toBe(true);
  }
}

describe("the SDK v2 client pinned to MCP 2026-07-28", () => {
  it("discovers the server without initialize and calls every tool", async () => {
    const sent: { method?: string; headers: Headers }[] = [];
    const client = new ClientV2(
      { name: "sdk-v2-modern-only", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: STATELESS_REVISIONS[0] } } },
    );
    const transport = new TransportV2(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${server.keys.full}` } },
      fetch: async (url, init) => {
        const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { method?: string }) : {};
        sent.push({ method: body.method, headers: new Headers(init?.headers) });
        return fetch(url, init);
      },
    });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    expectEveryToolAnswered(
      await callEveryTool(async (name, args) => (await client.callTool({ name, arguments: args })) as CallResult),
    );
    await client.close();

    expect(sent.map((r) => r.method)).not.toContain("initialize");
    expect(sent[0]?.method).toBe("server/discover");
    const call = sent.find((r) => r.method === "tools/call");
    expect(call?.headers.get("mcp-protocol-version")).toBe(STATELESS_REVISIONS[0]);
    expect(call?.headers.get("mcp-name")).toBe("list_folders");
  });

  it("is told -32022 and the supported revisions when pinned to a revision the server does not serve", async () => {
    const client = new ClientV2(
      { name: "sdk-v2-future", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: "2099-01-01" } } },
    );
    const transport = new TransportV2(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${server.keys.full}` } },
    });
    const failure = await client.connect(transport).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failure)).toMatch(/2099-01-01/);
    expect(JSON.stringify(failure) + String(failure)).toContain(STATELESS_REVISIONS[0]);
  });
});

describe("the SDK v1 client (initialize)", () => {
  it("negotiates 2025-11-25 and calls every tool", async () => {
    const client = new ClientV1({ name: "sdk-v1", version: "1.0.0" });
    await client.connect(
      new TransportV1(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${server.keys.full}` } },
      }),
    );
    expectEveryToolAnswered(
      await callEveryTool(async (name, args) => (await client.callTool({ name, arguments: args })) as CallResult),
    );
    await client.close();
  });
});

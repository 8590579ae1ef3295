// The broken-server matrix: one server per field of every output schema, each answering that field
// with a value of the wrong type wherever it appears, and one per field of every execution error a
// client can provoke, each leaving the field out or giving it a value the spec does not allow.
// Each must fail the run; the test says which checks caught it. The servers are the reference
// server behind a proxy that rewrites its answers (test-support/mangling-proxy.ts).
import { EXECUTION_ERRORS, TOOL_NAMES } from "@mcpemails/generated";
import { toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@mcpemails/server/testing";
import { startManglingProxy, toolResultOf, type Mangle } from "./test-support/mangling-proxy.js";
import { runRunner, type RunnerOutcome } from "./test-support/run-runner.js";
import { createApprovalKey } from "./test-support/approval-key.js";

const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;

/** Each broken server and the checks that caught it, printed once the matrix has run. */
const caughtBy = new Map<string, string[]>();
afterAll(() => {
  const width = Math.max(...[...caughtBy.keys()].map((k) => k.length));
  console.log([...caughtBy].map(([broken, checks]) => `${broken.padEnd(width)}  ${checks.join(", ")}`).join("\n"));
});

/** A default run, trimmed to the checks that read what the tools answer, against a fresh reference server behind the mangle. */
async function runAgainst(mangle: Mangle): Promise<RunnerOutcome> {
  const server: TestServer = await startTestServer({ rateWindows: UNLIMITED as never });
  const proxy = await startManglingProxy(server.url, mangle);
  const approvalKey = await createApprovalKey(server);
  try {
    return await runRunner([
      ...["--url", proxy.url, "--token", server.keys.full, "--inbox", server.inbox.id],
      ...["--read-only-token", server.keys.readOnly, "--send-only-token", server.keys.sendOnly],
      ...["--foreign-inbox", server.otherWorkspaceInbox.id, "--seed", "7", "--runs", "3"],
      ...[
        "--allow-send",
        "--send-to",
        server.siblingInbox.addresses[0] ?? "",
        "--send-to-inbox",
        server.siblingInbox.id,
        // Holds a send, so that get_send_status answers a hold of the run's own and its output is judged.
        "--approval-token",
        approvalKey,
      ],
      // The checks that read what the tools answer, and the boundary cases that send with Bcc, whose SENT copies
      // read-listed reads; the protocol stage and the other cases add nothing here.
      ...["--only", "auth,behaviour,inputs.positive,inputs.case.send_email.bcc,errors"],
    ]);
  } finally {
    await proxy.close();
    await server.close();
  }
}

interface SchemaNode {
  type?: string | readonly string[];
  anyOf?: readonly SchemaNode[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Every field path of a schema, "messages[].from.address" style, with the JSON types it allows. */
function fieldPaths(schema: SchemaNode, prefix = ""): { path: string; types: string[] }[] {
  const paths: { path: string; types: string[] }[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    // A nullable field is an anyOf of its schema and {"type": "null"}: its types are the branches' types together.
    const branches = field.anyOf ?? [field];
    const node = branches.find((branch) => branch.type !== "null") ?? field;
    paths.push({ path, types: branches.flatMap((branch) => [branch.type ?? []].flat()) });
    paths.push(...fieldPaths(node, path));
    if (node.items !== undefined) paths.push(...fieldPaths(node.items, `${path}[]`));
  }
  return paths;
}

/** A value none of the types allows. */
function wrongValueFor(types: string[]): unknown {
  const jsonType = (value: unknown) =>
    value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? "integer" : typeof value;
  const allowed = new Set(types.flatMap((t) => (t === "number" ? ["number", "integer"] : [t])));
  return [{ broken: true }, "broken", 12345, true, ["broken"]].find((value) => !allowed.has(jsonType(value)));
}

/**
 * Sets the field at path to value wherever its object is present (an optional field a healthy
 * server leaves out is added with the wrong value); true when it was set anywhere.
 */
function breakField(value: unknown, segments: string[], wrong: unknown): boolean {
  const [head, ...rest] = segments;
  if (head === undefined || value === null || typeof value !== "object") return false;
  if (head === "[]") return Array.isArray(value) && value.map((item) => breakField(item, rest, wrong)).some(Boolean);
  const record = value as Record<string, unknown>;
  if (rest.length === 0) {
    record[head] = wrong;
    return true;
  }
  if (!(head in record)) return false;
  return breakField(record[head], rest, wrong);
}

const outputFields = TOOL_NAMES.flatMap((tool) =>
  fieldPaths(toolOutputSchemas[tool] as SchemaNode).map(({ path, types }) => ({ tool, path, types })),
);

// Each run has a server of its own, so they can overlap: most of a run's time is waiting on HTTP.
describe.concurrent("a server that breaks one field of one tool's output is caught", { timeout: 180_000 }, () => {
  it.each(outputFields)("$tool: $path of the wrong type", async ({ tool, path, types }) => {
    const wrong = wrongValueFor(types);
    const segments = path.replace(/\[\]/g, ".[]").split(".");
    const run = await runAgainst((exchange) => {
      const result = toolResultOf(exchange);
      if (exchange.request?.params?.name !== tool || result?.isError === true) return undefined;
      return breakField(result?.structuredContent, segments, wrong) ? exchange : undefined;
    });
    caughtBy.set(`${tool} output ${path} = ${JSON.stringify(wrong)}`, run.failedIds);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.failedIds).toContain("behaviour.outputs-valid");
  });
});

// The execution errors a run provokes from a healthy server; the others (auth_failed,
// provider_error, search_timeout, quota_exceeded, rate_limit_exceeded, idempotency_key_in_use)
// come from the provider, the plan or concurrency, and the catalogue check judges them when seen.
const PROVOKED = [
  "inbox_not_found",
  "message_not_found",
  "scope_denied",
  "invalid_recipient",
  "attachment_too_large",
  "idempotency_key_reused",
  "thread_not_found",
  "attachment_not_found",
] as const;

interface FieldRule {
  type: string;
  enum?: readonly string[];
  minimum?: number;
}

/** Each way to break a field: left out, of the wrong type, outside its values or below its minimum. */
function fieldBreaks(field: string, rule: FieldRule): { field: string; change: string; value?: unknown }[] {
  return [
    { field, change: "left out" },
    { field, change: "of the wrong type", value: rule.type === "integer" ? "12" : 12345 },
    ...(rule.enum === undefined
      ? []
      : [{ field, change: "not one of its values", value: "conformance-no-such-value" }]),
    ...(rule.minimum === undefined || rule.minimum < 1 ? [] : [{ field, change: "below its minimum", value: 0 }]),
  ];
}

const errorBreaks = PROVOKED.flatMap((code) => {
  const entry = EXECUTION_ERRORS[code] as { fieldRules: Record<string, FieldRule> };
  return [
    { field: "isError", change: "left out" },
    { field: "content", change: "left out" },
    ...Object.entries(entry.fieldRules).flatMap(([field, rule]) => fieldBreaks(field, rule)),
  ].map((broken) => ({ code, ...broken }));
});

describe.concurrent("a server that breaks one field of one execution error is caught", { timeout: 180_000 }, () => {
  it.each(errorBreaks)("$code: $field $change", async ({ code, field, change, value }) => {
    const run = await runAgainst((exchange) => {
      const result = toolResultOf(exchange);
      if (result?.errorCode !== code) return undefined;
      if (value === undefined) delete result[field];
      else result[field] = value;
      return exchange;
    });
    caughtBy.set(`${code} error ${field} ${change}`, run.failedIds);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.failedIds).toContain("errors.catalogue");
  });
});

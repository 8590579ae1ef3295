import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { createContext, type GenContext } from "../context.js";
import { compileInputValidator, createAjv, describeProblem, type InputProblem } from "../runtime/input-validation.js";
import { loadSpecFile, parseSpec } from "../spec/load.js";
import { buildConformanceCases, emitConformanceCases, type ConformanceCase } from "./conformance-cases.js";
import { expandLargeValues } from "../runtime/large-values.js";
import { toJsonSchema } from "./json-schema.js";

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

const specPath = new URL("../../../spec/mcpemails.yaml", import.meta.url).pathname;
const ctx = createContext(loadSpecFile(specPath));
const file = buildConformanceCases(ctx);
const cases = file.cases;

const byId = (id: string): ConformanceCase => {
  const found = cases.find((c) => c.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
};

function inputSchemaOf(context: GenContext, tool: string): Record<string, unknown> {
  const model = context.tools.find((t) => t.name === tool);
  if (!model) throw new Error(`no tool ${tool}`);
  return toJsonSchema(model.input, context.model);
}

/** The first problem, as the server reports it in -32602 data. */
const firstProblem = (() => {
  const ajv = createAjv();
  const validators = new Map(ctx.tools.map((t) => [t.name, compileInputValidator(ajv, inputSchemaOf(ctx, t.name))]));
  return (c: ConformanceCase): InputProblem | undefined => {
    const result = validators.get(c.tool)?.(expandLargeValues(c.arguments));
    if (!result) throw new Error(`no validator for ${c.tool}`);
    return result.ok ? undefined : result.problem;
  };
})();

/** Every problem, to show that a case fails for one reason only. */
const allProblems = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv);
  const validators = new Map(ctx.tools.map((t) => [t.name, ajv.compile(inputSchemaOf(ctx, t.name))]));
  return (tool: string, args: unknown): { parameter: string; rule: string }[] => {
    const validate = validators.get(tool);
    if (!validate) throw new Error(`no validator for ${tool}`);
    if (validate(structuredClone(args))) return [];
    return (validate.errors ?? []).map((e) => {
      const { parameter, rule } = describeProblem(e);
      return { parameter, rule };
    });
  };
})();

type Segment = string | number;

function shrinkLargeValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shrinkLargeValues);
  if (value === null || typeof value !== "object") return value;
  if ("$base64OfBytes" in value) return expandLargeValues({ $base64OfBytes: 4 });
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shrinkLargeValues(v)]));
}

function segmentsOf(parameter: string): Segment[] {
  return parameter
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== "")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  return path.reduce<unknown>(
    (v, s) => (v !== null && typeof v === "object" ? (v as Record<Segment, unknown>)[s] : undefined),
    root,
  );
}

function withValueAt(root: Record<string, unknown>, path: readonly Segment[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<Segment, unknown>;
  const last = path[path.length - 1] as Segment;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** A value the parameter may take: from the tool's base request, else from a case that passes. */
function validValueFor(c: ConformanceCase): unknown {
  const path = segmentsOf(c.parameter);
  const base = ctx.tools.find((t) => t.name === c.tool)?.examples.find((e) => e.result !== undefined)?.request;
  const fromBase = valueAt(base, path);
  if (fromBase !== undefined) return fromBase;
  return cases
    .filter((other) => other.tool === c.tool && other.expect.outcome !== "invalid_params")
    .map((other) => valueAt(other.arguments, path))
    .find((v) => v !== undefined);
}

describe("conformance/cases.json", () => {
  it("is 2-space JSON with a trailing newline, stamped with the spec version and hash", () => {
    const emitted = emitConformanceCases(ctx);
    expect(emitted.path).toBe("conformance/cases.json");
    expect(emitted.content.endsWith("}\n")).toBe(true);
    expect(emitted.content).toBe(`${JSON.stringify(JSON.parse(emitted.content), null, 2)}\n`);
    expect(file.specVersion).toBe(ctx.doc.spec_version);
    expect(file.specSha256).toBe(ctx.spec.sha256);
    expect(Object.keys(file.largeValueDescriptors)).toEqual(["$base64OfBytes"]);
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    expect(emitConformanceCases(createContext(loadSpecFile(specPath))).content).toBe(emitConformanceCases(ctx).content);
  });

  it("gives every case a unique id made of tool, parameter, constraint and variant", () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) expect(c.id.startsWith(`${c.tool}.${c.parameter}.${c.constraint}.`)).toBe(true);
  });

  it("lists the tools in spec order, each starting from its first successful example", () => {
    const order = [...new Set(cases.map((c) => c.tool))];
    expect(order).toEqual(Object.keys(ctx.doc.tools));
    const optionalOmitted = byId("send_email.idempotency_key.required.optional_omitted");
    expect(optionalOmitted.arguments).toEqual({
      ...ctx.doc.tools.send_email?.examples[0]?.request,
      idempotency_key: undefined,
    });
  });
});

describe("every case agrees with the input validator", () => {
  // The schema cannot see decoded sizes (decision seed-errors-not-preempted), so a small stand-in
  // for each large value checks everything else about those cases.
  const withSmallLargeValues = (c: ConformanceCase): ConformanceCase => ({
    ...c,
    arguments: shrinkLargeValues(c.arguments) as Record<string, unknown>,
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const problem = firstProblem(withSmallLargeValues(c));
    if (c.expect.outcome === "invalid_params")
      expect(problem).toMatchObject({ parameter: c.expect.parameter, rule: c.expect.rule });
    else expect(problem).toBeUndefined();
  });

  // The full-size values too: the base64 pattern must check megabytes without overflowing V8's
  // regex backtracking stack (a repeated group in it once did, from about 3.2 MiB up).
  const fullSize = cases.filter(
    (c) => JSON.stringify(c.arguments).includes("$base64OfBytes") && c.expect.outcome !== "invalid_params",
  );
  it.each(fullSize.map((c) => [c.id, c] as const))("%s at full size", (_id, c) => {
    expect(firstProblem(c)).toBeUndefined();
  });
});

describe("an invalid_params case fails for one reason only", () => {
  const invalidCases = cases.filter((c) => c.expect.outcome === "invalid_params");

  it.each(invalidCases.map((c) => [c.id, c] as const))(
    "%s: every validation error names the same parameter and rule",
    (_id, c) => {
      const problems = allProblems(c.tool, expandLargeValues(c.arguments));
      expect(problems.length).toBeGreaterThan(0);
      const expected =
        c.expect.outcome === "invalid_params" ? { parameter: c.expect.parameter, rule: c.expect.rule } : undefined;
      // A value of another type can never be one of an enum's strings, so ajv reports enum as well.
      const impliedByType = (p: { parameter: string; rule: string }) =>
        expected?.rule === "type" && p.parameter === expected.parameter && p.rule === "enum";
      for (const p of problems.filter((p) => !impliedByType(p))) expect(p).toEqual(expected);
    },
  );

  it.each(invalidCases.map((c) => [c.id, c] as const))(
    "%s: putting a valid value back at that parameter makes the arguments valid",
    (_id, c) => {
      const path = segmentsOf(c.parameter);
      const repaired = withValueAt(
        c.arguments,
        path,
        c.expect.outcome === "invalid_params" && c.expect.rule === "unknown_parameter" ? undefined : validValueFor(c),
      );
      expect(allProblems(c.tool, repaired)).toEqual([]);
    },
  );
});

describe("what the cases cover", () => {
  it("probes both sides of the subject limit, the example the protocol docs give", () => {
    expect(byId("send_email.subject.max_length.above")).toMatchObject({
      tool: "send_email",
      parameter: "subject",
      constraint: "max_length",
      description: "subject of 999 characters (max_length 998 + 1)",
      effects: "send",
      placeholders: { inbox_id: "inbox" },
      expect: { outcome: "invalid_params", parameter: "subject", rule: "max_length" },
    });
    expect(byId("send_email.subject.max_length.at").arguments.subject).toMatch(/^[A-Za-z]{998}$/);
  });

  it("counts length in code points: 998 astral characters (1996 UTF-16 units) fit a 998-character subject", () => {
    const subject = byId("send_email.subject.max_length.at_astral").arguments.subject as string;
    expect([...subject]).toHaveLength(998);
    expect(subject).toHaveLength(1996);
    expect(byId("send_email.subject.max_length.at_astral").expect).toEqual({ outcome: "valid" });
  });

  it("has no astral case where the pattern or the format allows only ASCII", () => {
    expect(cases.find((c) => c.id === "send_email.idempotency_key.max_length.at_astral")).toBeUndefined();
    expect(cases.find((c) => c.id === "send_email.to[0].max_length.at_astral")).toBeUndefined();
  });

  it("has a case for every bound of every parameter, recursing into array items and object properties", () => {
    const keywordRules: Record<string, string> = {
      minimum: "minimum",
      maximum: "maximum",
      minLength: "min_length",
      maxLength: "max_length",
      minItems: "min_items",
      maxItems: "max_items",
      enum: "enum",
      pattern: "pattern",
    };
    const expected: string[] = [];
    const walk = (tool: string, parameter: string, schema: Record<string, unknown>) => {
      for (const [keyword, rule] of Object.entries(keywordRules)) {
        const patternIsFormat =
          keyword === "pattern" && (schema.format !== undefined || schema.contentEncoding !== undefined);
        if (schema[keyword] === undefined || patternIsFormat) continue;
        if (keyword === "minLength" || keyword === "minItems") {
          if (schema[keyword] === 0) continue;
        }
        expected.push(`${tool} ${parameter} ${rule}`);
      }
      if (schema.format !== undefined || schema.contentEncoding !== undefined)
        expected.push(`${tool} ${parameter} format`);
      expected.push(`${tool} ${parameter} type`);
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, property] of Object.entries(properties))
        walk(tool, parameter === "" ? name : `${parameter}.${name}`, property);
      if (schema.items) walk(tool, `${parameter}[0]`, schema.items as Record<string, unknown>);
    };
    for (const tool of ctx.tools) {
      const schema = inputSchemaOf(ctx, tool.name);
      for (const [name, property] of Object.entries(schema.properties as Record<string, Record<string, unknown>>))
        walk(tool.name, name, property);
    }
    const covered = new Set(cases.map((c) => `${c.tool} ${c.parameter} ${c.constraint}`));
    expect(expected.filter((e) => !covered.has(e))).toEqual([]);
  });

  it("probes each numeric, length and item bound from just inside and just outside", () => {
    const outcomes = (prefix: string) =>
      cases.filter((c) => c.id.startsWith(prefix)).map((c) => `${c.id.slice(prefix.length)}: ${c.expect.outcome}`);
    expect(outcomes("list_inbox.limit.m")).toEqual([
      "inimum.below: invalid_params",
      "inimum.at: valid",
      "aximum.at: valid",
      "aximum.above: invalid_params",
    ]);
    expect(outcomes("search_emails.include_folders.m")).toEqual([
      "in_items.below: invalid_params",
      "in_items.at: valid",
      "ax_items.at: valid",
      "ax_items.above: invalid_params",
    ]);
    expect((byId("send_email.to.max_items.above").arguments.to as unknown[]).length).toBe(51);
  });

  it("leaves out an empty idempotency_key, which would break its pattern as well as its min_length", () => {
    expect(byId("send_email.idempotency_key.min_length.at").arguments.idempotency_key).toBe("a");
    expect(cases.find((c) => c.id === "send_email.idempotency_key.min_length.below")).toBeUndefined();
  });

  it("accepts every enum value and refuses a near miss", () => {
    const syntaxCases = cases.filter((c) => c.id.startsWith("search_emails.syntax.enum."));
    expect(syntaxCases.map((c) => [c.arguments.syntax, c.expect.outcome])).toEqual([
      ["portable", "valid"],
      ["native", "valid"],
      ["PORTABLE", "invalid_params"],
    ]);
  });

  it("refuses malformed UUIDs and base64 as format, including padding before the end", () => {
    expect(byId("list_inbox.inbox_id.format.non_hex_digit").expect).toEqual({
      outcome: "invalid_params",
      parameter: "inbox_id",
      rule: "format",
    });
    expect(byId("send_email.attachments[0].data.format.padding_inside")).toMatchObject({
      arguments: { attachments: [{ data: "aG=k" }] },
      expect: { outcome: "invalid_params", parameter: "attachments[0].data", rule: "format" },
    });
    expect(byId("send_email.attachments[0].data.format.outside_alphabet").arguments.attachments).toEqual([
      { filename: "tiny.txt", mime_type: "text/plain", data: "not base64!" },
    ]);
  });

  it("expects invalid_recipient, not -32602, for a bad address in each recipient field (decision seed-errors-not-preempted)", () => {
    const recipientCases = cases.filter((c) => c.id.endsWith(".format.not_an_address"));
    const refused = (tool: string, parameters: string[]) =>
      parameters.map((parameter) => [tool, { outcome: "execution_error", errorCode: "invalid_recipient", parameter }]);
    expect(recipientCases.map((c) => [c.tool, c.expect])).toEqual([
      ...refused("send_email", ["to[0]", "cc[0]", "bcc[0]", "reply_to"]),
      // A draft is addressed as a message is, though it may have no recipient yet.
      ...refused("create_draft", ["to[0]", "cc[0]", "bcc[0]"]),
      ...refused("update_draft", ["to[0]", "cc[0]", "bcc[0]"]),
    ]);
    expect(byId("create_draft.to.required.optional_omitted").expect).toEqual({ outcome: "valid" });
    expect(byId("send_email.cc[0].format.not_an_address").arguments.cc).toEqual(["bob at example dot com"]);
  });

  it("keeps a recipient at its length limit a valid address, by lengthening its display name", () => {
    const address = byId("send_email.reply_to.max_length.at").arguments.reply_to as string;
    expect([...address]).toHaveLength(998);
    expect(address).toMatch(/^[a-z ]+ <alice@example\.com>$/);
  });

  it("refuses an unknown parameter, at the top level and inside objects (decision unknown-parameters)", () => {
    expect(byId("list_inbox.inboxId.unknown_parameter.camel_case")).toMatchObject({
      arguments: { inbox_id: expect.any(String), inboxId: true },
      expect: { outcome: "invalid_params", parameter: "inboxId", rule: "unknown_parameter" },
    });
    expect(byId("reply_to_email.attachments[0].mimeType.unknown_parameter.camel_case").expect).toEqual({
      outcome: "invalid_params",
      parameter: "attachments[0].mimeType",
      rule: "unknown_parameter",
    });
  });

  it("tests the decoded attachment limit with large-value descriptors, at the limit and one byte over, in one or two attachments", () => {
    const limit = ctx.doc.limits.attachments_max_total_bytes ?? 0;
    const sizes = (id: string) =>
      (byId(id).arguments.attachments as { data: { $base64OfBytes: number } }[]).map((a) => a.data.$base64OfBytes);
    expect(sizes("send_email.attachments.attachments_max_total_bytes.at")).toEqual([limit]);
    expect(sizes("send_email.attachments.attachments_max_total_bytes.above")).toEqual([limit + 1]);
    expect(sizes("reply_to_email.attachments.attachments_max_total_bytes.above_in_total").reduce((a, b) => a + b)).toBe(
      limit + 1,
    );
    expect(byId("send_email.attachments.attachments_max_total_bytes.above").expect).toEqual({
      outcome: "execution_error",
      errorCode: "attachment_too_large",
    });
    expect(byId("send_email.attachments.attachments_max_total_bytes.at").expect).toEqual({ outcome: "valid" });
  });

  it("expands a large-value descriptor into base64 of that many bytes", () => {
    const expanded = expandLargeValues({ data: { $base64OfBytes: 5 }, list: [{ $base64OfBytes: 1 }] }) as {
      data: string;
      list: string[];
    };
    expect(Buffer.from(expanded.data, "base64")).toHaveLength(5);
    expect(expanded.list[0]).toMatch(/^[A-Za-z0-9+/]{2}==$/);
  });
});

describe("placeholders and effects", () => {
  it("asks the runner for a real inbox and message wherever the base ids are kept", () => {
    expect(byId("read_email.include_html.type.null").placeholders).toEqual({
      inbox_id: "inbox",
      message_id: "message",
    });
    expect(byId("list_inbox.limit.maximum.at").placeholders).toEqual({ inbox_id: "inbox" });
  });

  it("drops the placeholder of the id under test, and expects a well-formed unknown id to be not found", () => {
    const atMax = byId("read_email.message_id.max_length.at");
    expect(atMax.placeholders).toEqual({ inbox_id: "inbox" });
    expect(atMax.expect).toEqual({ outcome: "execution_error", errorCode: "message_not_found" });
    expect(byId("list_inbox.inbox_id.format.one_digit_short").placeholders).toEqual({});
  });

  it("marks the tools of the send:email scope as sending, those of draft:email as writing, read-only ones as reading", () => {
    const effects = Object.fromEntries(cases.map((c) => [c.tool, c.effects]));
    expect(effects).toEqual({
      list_inbox: "read",
      read_email: "read",
      search_emails: "read",
      send_email: "send",
      reply_to_email: "send",
      list_folders: "read",
      get_thread: "read",
      get_attachment: "read",
      create_draft: "write",
      update_draft: "write",
      delete_draft: "write",
      send_draft: "send",
      get_send_status: "read",
    });
  });
});

describe("derived from the spec, not from a list of parameters", () => {
  it("follows a changed bound", () => {
    const source = readFileSync(specPath, "utf8");
    const changed = source.replace(
      "max_length: 998\n          description: Subject line.",
      "max_length: 500\n          description: Subject line.",
    );
    expect(changed).not.toBe(source);
    const changedCases = buildConformanceCases(createContext(parseSpec(changed, "changed.yaml"))).cases;
    const above = changedCases.find((c) => c.id === "send_email.subject.max_length.above");
    expect(above?.description).toBe("subject of 501 characters (max_length 500 + 1)");
  });
});

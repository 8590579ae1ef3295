import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createContext, header } from "../context.js";
import { loadSpecFile, parseSpec } from "../spec/load.js";
import type { SpecDocument, SpecSchema } from "../spec/model.js";
import { implicitObject } from "../schema/tools.js";
import {
  docAnchors,
  documentedErrorCodes,
  documentedItems,
  emitReferenceDoc,
  limitLabel,
  tableShapes,
} from "./docs.js";
import { tableAfterAnchor } from "./markdown.js";

const specPath = fileURLToPath(new URL("../../../spec/mcpemails.yaml", import.meta.url));
const spec = loadSpecFile(specPath, "spec/mcpemails.yaml");
const ctx = createContext(spec);
const doc = spec.document;
const markdown = emitReferenceDoc(ctx).content;
const items = documentedItems(markdown);

/** Field paths straight from the spec's schemas, walked independently of the IR the emitter uses. */
function specPaths(schema: SpecSchema, prefix = ""): string[] {
  const resolved = resolveSpec(schema);
  if (resolved.type === "array" && resolved.items) return specPaths(resolved.items, `${prefix}[]`);
  const dot = prefix === "" ? "" : `${prefix}.`;
  return Object.entries(objectProperties(resolved)).flatMap(([name, child]) => [
    `${dot}${name}`,
    ...specPaths(child, `${dot}${name}`),
  ]);
}

/** Inherited properties down the extends chain, then the schema's own, which replace inherited ones of their name. */
function objectProperties(schema: SpecSchema): Record<string, SpecSchema> {
  const own = schema.properties ?? {};
  if (schema.extends === undefined) return schema.type === "object" ? own : {};
  const inherited = Object.entries(objectProperties(resolveSpec({ ref: schema.extends })));
  return { ...Object.fromEntries(inherited.filter(([name]) => !(name in own))), ...own };
}

function resolveSpec(schema: SpecSchema): SpecSchema {
  let current = schema;
  while (current.ref !== undefined) current = doc.types[current.ref] ?? {};
  if (current.extends !== undefined && current.properties === undefined) return resolveSpec({ ref: current.extends });
  return current;
}

const toolNames = Object.keys(doc.tools);
const specTool = (name: string) => doc.tools[name] as SpecDocument["tools"][string];

describe("emitReferenceDoc", () => {
  it("writes docs/REFERENCE.md behind the provenance header", () => {
    const file = emitReferenceDoc(ctx);
    expect(file.path).toBe("docs/REFERENCE.md");
    expect(file.content.startsWith(header(ctx, "html"))).toBe(true);
    expect(file.content).toContain(`# ${doc.info.title}`);
    expect(file.content).toContain(doc.spec_version);
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    const again = emitReferenceDoc(createContext(loadSpecFile(specPath, "spec/mcpemails.yaml"))).content;
    expect(again).toBe(markdown);
  });

  it("names every tool, in spec order, and nothing else", () => {
    expect(items.tools).toEqual(toolNames);
  });

  it.each(toolNames)("lists every parameter path of %s and no other", (name) => {
    expect(items.parameters[name]).toEqual(specPaths(implicitObject(specTool(name).input)));
  });

  it.each(toolNames)("lists every output field of %s and no other", (name) => {
    expect(items.outputs[name]).toEqual(specPaths(implicitObject(specTool(name).output)));
  });

  it.each(toolNames)("lists exactly the execution errors of %s", (name) => {
    expect(items.toolErrors[name]).toEqual(specTool(name).errors);
  });

  it("names every protocol error with its code, and every execution error code, and no other", () => {
    const codes = documentedErrorCodes(markdown);
    expect(codes.protocol).toEqual(Object.entries(doc.errors.protocol).map(([name, e]) => ({ name, code: e.code })));
    expect(codes.execution).toEqual(Object.keys(doc.errors.execution));
    expect(items.protocolErrors).toEqual(codes.protocol);
  });

  it("names every scope, plan, quota, limit, format, folder, portable term and decision, and no other", () => {
    expect(items.scopes).toEqual(Object.keys(doc.scopes));
    expect(items.plans).toEqual(Object.keys(doc.plans));
    expect(items.quotas).toEqual(Object.keys(doc.quotas));
    expect(items.limits).toEqual(Object.keys(doc.limits));
    expect(items.formats).toEqual(Object.keys(doc.formats));
    expect(items.folders).toEqual(Object.keys(doc.folders));
    expect(items.portableTerms).toEqual(doc.search.portable_terms.map((t) => t.form));
    expect(items.decisions).toEqual(doc.decisions.map((d) => d.id));
  });

  it("renders every example's request and outcome as JSON", () => {
    for (const tool of ctx.tools) {
      for (const example of tool.examples) {
        expect(markdown).toContain(`##### ${example.name}`);
        if (example.note !== undefined) expect(markdown).toContain(example.note);
        expect(markdown).toContain(JSON.stringify({ name: tool.name, arguments: example.request }, null, 2));
        if (example.result !== undefined) expect(markdown).toContain(JSON.stringify(example.result, null, 2));
        const error = example.error;
        if (error !== undefined && "errorCode" in error) {
          const result = {
            content: [{ type: "text", text: error.text }],
            isError: true,
            errorCode: error.errorCode,
            ...error.fields,
          };
          expect(markdown).toContain(JSON.stringify(result, null, 2));
        } else if (error !== undefined) {
          // The message is the one the server sends: invalid_params carries its sentence in data.message,
          // any other protocol error the spec's JSON-RPC message for its code.
          const protocolError = Object.values(doc.errors.protocol).find((e) => e.code === error.code);
          expect(
            protocolError,
            `example "${example.name}" of ${tool.name}: no protocol error has code ${error.code}`,
          ).toBeDefined();
          const message = typeof error.data?.message === "string" ? error.data.message : protocolError?.message;
          expect(markdown).toContain(JSON.stringify({ code: error.code, message, data: error.data }, null, 2));
        }
      }
    }
  });

  it("shows types, constraints and defaults as the spec gives them", () => {
    const sendParameters = tableAfterAnchor(markdown, docAnchors.toolParameters("send_email"));
    const row = (path: string) => sendParameters.rows.find((r) => r[0] === `\`${path}\``);
    expect(row("inbox_id")).toEqual([
      "`inbox_id`",
      "`string (uuid)`",
      "yes",
      "",
      "[uuid format](#format-uuid)",
      "UUID of a connected inbox, from Dashboard -> Inboxes.",
    ]);
    expect(row("to")?.[1]).toBe("`array<string (email)>`");
    expect(row("to")?.[4]).toContain("1-50 items");
    expect(row("to")?.[4]).toContain(
      "RFC 5322 address, checked by the server ([`invalid_recipient`](#error-invalid_recipient))",
    );
    expect(row("subject")?.[4]).toBe("at most 998 characters");
    expect(row("cc")?.[3]).toBe("`[]`");
    expect(row("attachments[].filename")?.[2]).toBe("yes");
    expect(row("reply_to")?.[5]).toBe("Reply-To address.");

    const listParameters = tableAfterAnchor(markdown, docAnchors.toolParameters("list_inbox"));
    expect(listParameters.rows.find((r) => r[0] === "`limit`")?.slice(1, 5)).toEqual([
      "`integer`",
      "no",
      "`20`",
      "1 <= value <= 100",
    ]);
    expect(listParameters.rows.find((r) => r[0] === "`folder`")?.[4]).toBe("1-1,024 characters");
    const searchParameters = tableAfterAnchor(markdown, docAnchors.toolParameters("search_emails"));
    expect(searchParameters.rows.find((r) => r[0] === "`syntax`")?.slice(3, 5)).toEqual([
      '`"portable"`',
      "one of: portable, native",
    ]);

    const listOutput = tableAfterAnchor(markdown, docAnchors.toolOutput("list_inbox"));
    expect(listOutput.rows.find((r) => r[0] === "`next_offset`")?.[1]).toBe("`integer | null`");
    expect(listOutput.rows.find((r) => r[0] === "`messages[].from`")?.[1]).toBe("`object | null`");
  });

  it("gives each error its retry guidance, fields and message template", () => {
    const execution = tableAfterAnchor(markdown, docAnchors.executionErrors);
    const providerError = execution.rows.find((r) => r[0]?.endsWith("`provider_error`"));
    expect(providerError?.[2]).toBe("yes, except for send_email, reply_to_email");
    expect(providerError?.[4]).toContain("`retryAfter` (`integer`, optional, 1 <= value <= 86400)");
    const templates = tableAfterAnchor(markdown, docAnchors.messageTemplates);
    expect(templates.rows.map((r) => r[1])).toEqual(Object.values(doc.errors.execution).map((e) => `\`${e.message}\``));
    const sendErrors = tableAfterAnchor(markdown, docAnchors.toolErrors("send_email"));
    expect(sendErrors.rows.find((r) => r[0]?.includes("provider_error"))?.[2]).toBe("no");
  });

  it("renders plans and limits for people", () => {
    const plans = tableAfterAnchor(markdown, docAnchors.plans).rows;
    expect(plans.map((r) => r.slice(2))).toEqual(
      Object.values(doc.plans).map((p) => [
        p.calls_per_month === null ? "no monthly quota" : p.calls_per_month.toLocaleString("en-US"),
        typeof p.sends_per_day === "number" ? p.sends_per_day.toLocaleString("en-US") : "custom",
      ]),
    );
    expect(limitLabel("subject_max_chars")).toEqual({ label: "Subject maximum", unit: "character" });
    expect(limitLabel("recipients_per_field")).toEqual({ label: "Recipients per field" });
    expect(markdown).toContain(
      "| Attachments maximum total | `attachments_max_total_bytes` | 10,485,760 bytes (10 MiB) |",
    );
  });

  it("keeps every table row as wide as its header", () => {
    const shapes = tableShapes(markdown);
    expect(shapes.length).toBeGreaterThan(100);
    for (const shape of shapes) expect(shape.row, shape.line).toBe(shape.header);
  });

  it("escapes pipes and newlines in table cells", () => {
    const source = readFileSync(specPath, "utf8").replace(
      "description: Max results to return.",
      'description: "Max | results\\nto <b>return</b>."',
    );
    const altered = emitReferenceDoc(createContext(parseSpec(source, "spec/mcpemails.yaml"))).content;
    for (const shape of tableShapes(altered)) expect(shape.row, shape.line).toBe(shape.header);
    const limit = tableAfterAnchor(altered, docAnchors.toolParameters("list_inbox")).rows.find(
      (r) => r[0] === "`limit`",
    );
    expect(limit?.[5]).toBe("Max | results<br>to &lt;b>return&lt;/b>.");
  });
});

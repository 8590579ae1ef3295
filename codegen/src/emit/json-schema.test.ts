// How the emitted JSON Schemas write a nullable field: an anyOf of single-type branches, which every
// model provider's function calling accepts, and which allows exactly the values the type array
// ["string", "null"] allowed, so clients see no change.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule, { type FormatsPlugin } from "ajv-formats";
import { describe, expect, it } from "vitest";
import { toolsListByRevision } from "@mcpemails/generated";
import { toolInputSchemas, toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import type { SchemaModel, SchemaNode } from "../schema/ir.js";
import { toJsonSchema, type JsonSchema } from "./json-schema.js";

// ajv-formats is CommonJS: under NodeNext its default import is typed as the module object.
const addFormats = addFormatsModule as unknown as FormatsPlugin;

const model: SchemaModel = {
  types: new Map<string, SchemaNode>([
    [
      "contact",
      {
        kind: "object",
        meta: { nullable: false, description: "A contact." },
        properties: [{ name: "address", required: true, node: { kind: "string", meta: { nullable: false } } }],
      },
    ],
  ]),
} as unknown as SchemaModel;

describe("a nullable node", () => {
  it("is an anyOf of its schema and null, with description and default outside", () => {
    const node = {
      kind: "string",
      meta: { nullable: true, description: "Folder.", default: { value: null } },
      enum: ["INBOX", "SENT"],
      minLength: 1,
    } as unknown as SchemaNode;
    expect(toJsonSchema(node, model)).toEqual({
      anyOf: [{ type: "string", enum: ["INBOX", "SENT"], minLength: 1 }, { type: "null" }],
      description: "Folder.",
      default: null,
    });
  });

  it("keeps a named type's whole schema in the branch when the use site makes it nullable", () => {
    const node = { kind: "ref", target: "contact", meta: { nullable: true } } as unknown as SchemaNode;
    expect(toJsonSchema(node, model)).toEqual({
      anyOf: [
        {
          type: "object",
          properties: { address: { type: "string" } },
          required: ["address"],
          additionalProperties: false,
        },
        { type: "null" },
      ],
      description: "A contact.",
    });
  });

  it("is written the same way for every kind", () => {
    for (const kind of ["integer", "boolean"] as const) {
      const node = { kind, meta: { nullable: true } } as unknown as SchemaNode;
      expect(toJsonSchema(node, model)).toEqual({ anyOf: [{ type: kind }, { type: "null" }] });
    }
    const list = { kind: "array", meta: { nullable: true }, items: { kind: "boolean", meta: { nullable: false } } };
    expect(toJsonSchema(list as unknown as SchemaNode, model)).toEqual({
      anyOf: [{ type: "array", items: { type: "boolean" } }, { type: "null" }],
    });
  });
});

const schemas: [string, JsonSchema][] = [
  ...Object.entries(toolInputSchemas).map(([tool, schema]): [string, JsonSchema] => [`${tool} input`, schema]),
  ...Object.entries(toolOutputSchemas).map(([tool, schema]): [string, JsonSchema] => [`${tool} output`, schema]),
];

/** Every subschema, depth first. */
function subschemas(schema: unknown): JsonSchema[] {
  if (schema === null || typeof schema !== "object") return [];
  if (Array.isArray(schema)) return schema.flatMap(subschemas);
  return [schema as JsonSchema, ...Object.values(schema).flatMap(subschemas)];
}

/** The same schema spelled as before: each nullable anyOf folded back into a type array (and an enum with null). */
function asTypeArrays(schema: unknown): unknown {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map(asTypeArrays);
  const { anyOf, ...rest } = schema as JsonSchema;
  const folded = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, asTypeArrays(value)]));
  if (!Array.isArray(anyOf)) return folded;
  const [branch] = anyOf as JsonSchema[];
  const value = asTypeArrays(branch) as JsonSchema;
  return {
    ...value,
    type: [value.type, "null"],
    ...(Array.isArray(value.enum) ? { enum: [...(value.enum as unknown[]), null] } : {}),
    ...folded,
  };
}

/** Values of every JSON type, and each enum member, to probe a field with. */
function probes(schema: JsonSchema): unknown[] {
  const members = subschemas(schema).flatMap((s) => (Array.isArray(s.enum) ? (s.enum as unknown[]) : []));
  return [null, true, 0, 7, 1.5, "", "x", "<a@b.example>", [], ["x"], {}, { address: "a@b.example" }, ...members];
}

function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv as never);
  return ajv;
}

describe.each(schemas)("the %s schema", (_name, schema) => {
  it("has no type array anywhere, every anyOf being one schema and null", () => {
    for (const node of subschemas(schema)) {
      expect(Array.isArray(node.type), JSON.stringify(node)).toBe(false);
      if (node.anyOf !== undefined) expect((node.anyOf as JsonSchema[])[1]).toEqual({ type: "null" });
    }
  });

  it("compiles as strict draft 2020-12 and accepts, field by field, what the type-array spelling accepted", () => {
    const ajv = strictAjv();
    const old = strictAjv();
    for (const field of subschemas(schema).filter((node) => node.anyOf !== undefined || node.type !== undefined)) {
      const now = ajv.compile(field);
      const before = old.compile(asTypeArrays(field) as JsonSchema);
      for (const value of probes(field)) expect(now(value), JSON.stringify({ field, value })).toBe(before(value));
    }
  });
});

describe.each(Object.entries(toolsListByRevision))("tools/list of revision %s", (_revision, result) => {
  it("has schemas that compile as strict draft 2020-12", () => {
    const ajv = strictAjv();
    const tools = (result as unknown as { tools: { inputSchema: JsonSchema; outputSchema?: JsonSchema }[] }).tools;
    for (const tool of tools) {
      ajv.compile(tool.inputSchema);
      if (tool.outputSchema) ajv.compile(tool.outputSchema);
    }
  });
});

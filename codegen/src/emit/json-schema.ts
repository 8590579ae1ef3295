// IR -> JSON Schema (the dialect-neutral subset of draft-07 and 2020-12), with named types inlined
// so that MCP clients get self-contained inputSchema/outputSchema objects. A nullable node is an
// anyOf of its schema and {"type": "null"}, never a type array: single-type dialects such as the
// OpenAPI subset of Gemini's function declarations reject or mangle ["string", "null"].
import type { Meta, SchemaModel, SchemaNode } from "../schema/ir.js";

export type JsonSchema = { [key: string]: unknown };

export function toJsonSchema(node: SchemaNode, model: SchemaModel, outer?: Meta): JsonSchema {
  if (node.kind === "ref") {
    const merged: Meta = { ...node.meta, nullable: node.meta.nullable || (outer?.nullable ?? false) };
    if (outer?.description !== undefined) merged.description = outer.description;
    if (outer?.default !== undefined) merged.default = outer.default;
    const target = model.types.get(node.target);
    if (!target) throw new Error(`unknown type ${node.target}`);
    return toJsonSchema(target, model, merged);
  }
  const meta: Meta = {
    nullable: node.meta.nullable || (outer?.nullable ?? false),
    ...((outer?.description ?? node.meta.description) !== undefined
      ? { description: outer?.description ?? node.meta.description }
      : {}),
    ...((outer?.default ?? node.meta.default) !== undefined ? { default: outer?.default ?? node.meta.default } : {}),
  };
  const out: JsonSchema = {};
  switch (node.kind) {
    case "string":
      out.type = "string";
      if (node.enum) out.enum = node.enum;
      if (node.minLength !== undefined) out.minLength = node.minLength;
      if (node.maxLength !== undefined) out.maxLength = node.maxLength;
      if (node.format?.checkedBy === "schema") {
        if (node.format.jsonSchemaFormat) out.format = node.format.jsonSchemaFormat;
        if (node.format.name === "base64") out.contentEncoding = "base64";
        if (node.format.pattern) out.pattern = node.format.pattern;
      }
      if (node.pattern !== undefined) out.pattern = node.pattern;
      break;
    case "integer":
      out.type = "integer";
      if (node.minimum !== undefined) out.minimum = node.minimum;
      if (node.maximum !== undefined) out.maximum = node.maximum;
      break;
    case "boolean":
      out.type = "boolean";
      break;
    case "array":
      out.type = "array";
      out.items = toJsonSchema(node.items, model);
      if (node.minItems !== undefined) out.minItems = node.minItems;
      if (node.maxItems !== undefined) out.maxItems = node.maxItems;
      break;
    case "object":
      out.type = "object";
      out.properties = Object.fromEntries(node.properties.map((p) => [p.name, toJsonSchema(p.node, model)]));
      out.required = node.properties.filter((p) => p.required).map((p) => p.name);
      out.additionalProperties = false;
      break;
  }
  const schema: JsonSchema = meta.nullable ? { anyOf: [out, { type: "null" }] } : out;
  if (meta.description !== undefined) schema.description = meta.description;
  if (meta.default !== undefined) schema.default = meta.default.value;
  return schema;
}

// The spec's schemas, resolved into one small tree that every emitter (JSON Schema, zod, TypeBox,
// TypeScript, docs, conformance cases) walks. Named types stay references so that emitters can
// declare them once.
import type { SpecDocument, SpecSchema } from "../spec/model.js";

export interface Meta {
  description?: string;
  nullable: boolean;
  /** Present only when the spec gives a default. */
  default?: { value: unknown };
}

export interface FormatRef {
  name: string;
  /** "schema" when the validators check it, otherwise the execution error code that reports it. */
  checkedBy: string;
  pattern?: string;
  jsonSchemaFormat?: string;
}

export type SchemaNode =
  | {
      kind: "string";
      meta: Meta;
      minLength?: number;
      maxLength?: number;
      pattern?: string;
      format?: FormatRef;
      enum?: string[];
    }
  | { kind: "integer"; meta: Meta; minimum?: number; maximum?: number }
  | { kind: "boolean"; meta: Meta }
  | { kind: "array"; meta: Meta; items: SchemaNode; minItems?: number; maxItems?: number }
  | { kind: "object"; meta: Meta; properties: PropertyNode[] }
  | { kind: "ref"; meta: Meta; target: string };

export type ObjectNode = Extract<SchemaNode, { kind: "object" }>;

export interface PropertyNode {
  name: string;
  node: SchemaNode;
  required: boolean;
}

export interface SchemaModel {
  /** Named types in spec order. */
  types: ReadonlyMap<string, SchemaNode>;
  resolve(node: SchemaNode): Exclude<SchemaNode, { kind: "ref" }>;
}

export function buildSchemaModel(doc: SpecDocument): SchemaModel {
  const types = new Map<string, SchemaNode>();
  for (const [name, schema] of Object.entries(doc.types)) types.set(name, toNode(schema, doc));
  const resolve = (node: SchemaNode): Exclude<SchemaNode, { kind: "ref" }> => {
    const seen = new Set<string>();
    let current = node;
    while (current.kind === "ref") {
      if (seen.has(current.target)) throw new Error(`reference cycle through ${current.target}`);
      seen.add(current.target);
      const target = types.get(current.target);
      if (!target) throw new Error(`unknown type ${current.target}`);
      current = target;
    }
    return current;
  };
  return { types, resolve };
}

/** Converts one spec schema. The checker has already made sure refs and keywords make sense. */
export function toNode(schema: SpecSchema, doc: SpecDocument): SchemaNode {
  const meta: Meta = { nullable: schema.nullable ?? false };
  if (schema.description !== undefined) meta.description = schema.description;
  if (schema.default !== undefined) meta.default = { value: schema.default };

  if (schema.ref !== undefined) return { kind: "ref", meta, target: schema.ref };
  if (schema.extends !== undefined) {
    if (!schema.properties) return { kind: "ref", meta, target: schema.extends };
    const own = objectProperties(schema, doc);
    // A property of its own replaces the inherited one of that name (get_attachment's data is never null).
    const ownNames = new Set(own.map((property) => property.name));
    const inherited = inheritedProperties(schema.extends, doc).filter((p) => !ownNames.has(p.name));
    return { kind: "object", meta, properties: [...inherited, ...own] };
  }
  switch (schema.type ?? (schema.properties ? "object" : undefined)) {
    case "string": {
      const node: SchemaNode = { kind: "string", meta };
      if (schema.min_length !== undefined) node.minLength = schema.min_length;
      if (schema.max_length !== undefined) node.maxLength = schema.max_length;
      if (schema.pattern !== undefined) node.pattern = schema.pattern;
      if (schema.enum !== undefined) node.enum = schema.enum;
      if (schema.format !== undefined) {
        const f = doc.formats[schema.format];
        node.format = { name: schema.format, checkedBy: f?.checked_by ?? "schema" };
        if (f?.pattern !== undefined) node.format.pattern = f.pattern;
        if (f?.json_schema_format !== undefined) node.format.jsonSchemaFormat = f.json_schema_format;
      }
      return node;
    }
    case "integer": {
      const node: SchemaNode = { kind: "integer", meta };
      if (schema.minimum !== undefined) node.minimum = schema.minimum;
      if (schema.maximum !== undefined) node.maximum = schema.maximum;
      return node;
    }
    case "boolean":
      return { kind: "boolean", meta };
    case "array": {
      const node: SchemaNode = { kind: "array", meta, items: toNode(schema.items ?? {}, doc) };
      if (schema.min_items !== undefined) node.minItems = schema.min_items;
      if (schema.max_items !== undefined) node.maxItems = schema.max_items;
      return node;
    }
    case "object":
      return { kind: "object", meta, properties: objectProperties(schema, doc) };
    default:
      throw new Error("schema without type, ref or extends");
  }
}

/** The properties of the type `name`, through types that only extend another without adding any (the checker allows them). */
function inheritedProperties(name: string, doc: SpecDocument, seen = new Set<string>()): PropertyNode[] {
  const base = doc.types[name];
  if (base === undefined || seen.has(name)) return [];
  seen.add(name);
  const node = toNode(base, doc);
  if (node.kind === "object") return node.properties;
  return node.kind === "ref" ? inheritedProperties(node.target, doc, seen) : [];
}

function objectProperties(schema: SpecSchema, doc: SpecDocument): PropertyNode[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    node: toNode(s, doc),
    required: required.has(name),
  }));
}

/** Named-type order in which every type comes after the types it refers to. */
export function dependencyOrder(model: SchemaModel): string[] {
  const order: string[] = [];
  const visit = (name: string, stack: Set<string>) => {
    if (order.includes(name) || stack.has(name)) return;
    stack.add(name);
    const node = model.types.get(name);
    if (node) for (const dep of refsIn(node)) visit(dep, stack);
    stack.delete(name);
    order.push(name);
  };
  for (const name of model.types.keys()) visit(name, new Set());
  return order;
}

export function refsIn(node: SchemaNode): string[] {
  switch (node.kind) {
    case "ref":
      return [node.target];
    case "array":
      return refsIn(node.items);
    case "object":
      return node.properties.flatMap((p) => refsIn(p.node));
    default:
      return [];
  }
}

export function pascalCase(snake: string): string {
  return snake.replace(/(^|_)([a-z0-9])/g, (_m, _u: string, c: string) => c.toUpperCase());
}

export function camelCase(snake: string): string {
  const p = pascalCase(snake);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

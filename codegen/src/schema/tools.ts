// The spec's tools with their schemas resolved into the IR; the unit most emitters iterate over.
import type { SpecDocument, SpecExample, SpecSchema, SpecTool } from "../spec/model.js";
import { pascalCase, toNode, type ObjectNode, type SchemaNode } from "./ir.js";

export interface ToolModel {
  name: string;
  /** PascalCase of the name, the stem of every generated identifier for this tool. */
  typeName: string;
  spec: SpecTool;
  input: ObjectNode;
  output: SchemaNode;
  examples: SpecExample[];
}

export function buildToolModels(doc: SpecDocument): ToolModel[] {
  return Object.entries(doc.tools).map(([name, spec]) => {
    const input = toNode(implicitObject(spec.input), doc);
    if (input.kind !== "object") throw new Error(`tools.${name}.input must be an object`);
    return {
      name,
      typeName: pascalCase(name),
      spec,
      input,
      output: toNode(implicitObject(spec.output), doc),
      examples: spec.examples,
    };
  });
}

/** Tool inputs and outputs may leave out `type: object` when they list properties. */
export function implicitObject(schema: SpecSchema): SpecSchema {
  return schema.type !== undefined || schema.ref !== undefined || schema.extends !== undefined
    ? schema
    : { ...schema, type: "object" };
}

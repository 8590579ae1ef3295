// How the IR builds an object that extends another: the inherited properties down the whole chain
// first, then its own, and an own property replaces the inherited one of its name.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSpecFile } from "../spec/load.js";
import type { SpecDocument, SpecSchema } from "../spec/model.js";
import { toNode, type ObjectNode, type PropertyNode } from "./ir.js";

const SPEC = loadSpecFile(fileURLToPath(new URL("../../../spec/mcpemails.yaml", import.meta.url))).document;

function withTypes(types: Record<string, SpecSchema>): SpecDocument {
  const doc = structuredClone(SPEC);
  doc.types = { ...doc.types, ...types };
  return doc;
}

function objectNode(schema: SpecSchema, doc: SpecDocument): ObjectNode {
  const node = toNode(schema, doc);
  if (node.kind !== "object") throw new Error(`expected an object, got ${node.kind}`);
  return node;
}

const names = (properties: readonly PropertyNode[]) => properties.map((p) => p.name);

const base: SpecSchema = {
  type: "object",
  properties: {
    note: { type: "string", nullable: true, description: "Inherited." },
    count: { type: "integer", minimum: 0 },
  },
  required: [],
};

describe("an object that extends another", () => {
  it("replaces an inherited property by its own of the same name: one property, own schema and required", () => {
    const doc = withTypes({ base });
    const node = objectNode(
      {
        extends: "base",
        properties: { note: { type: "string", min_length: 1, description: "Own." } },
        required: ["note"],
      },
      doc,
    );
    expect(names(node.properties)).toEqual(["count", "note"]);
    expect(node.properties.find((p) => p.name === "note")).toEqual({
      name: "note",
      required: true,
      node: { kind: "string", meta: { nullable: false, description: "Own." }, minLength: 1 },
    });
  });

  it("gives get_attachment's output one data, never null, required", () => {
    const output = objectNode(SPEC.tools.get_attachment?.output ?? {}, SPEC);
    const data = output.properties.filter((p) => p.name === "data");
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ required: true, node: { kind: "string", meta: { nullable: false } } });
    expect(names(output.properties)).toEqual([...Object.keys(SPEC.types.attachment?.properties ?? {})]);
  });

  it("inherits down a chain of extends, the furthest base's properties first", () => {
    const doc = withTypes({
      base,
      middle: { extends: "base", properties: { label: { type: "string" } }, required: ["label"] },
      top: { extends: "middle", properties: { flag: { type: "boolean" } }, required: [] },
    });
    const node = objectNode({ extends: "top", properties: {} }, doc);
    expect(node.properties.map((p) => [p.name, p.node.kind, p.required])).toEqual([
      ["note", "string", false],
      ["count", "integer", false],
      ["label", "string", true],
      ["flag", "boolean", false],
    ]);
  });

  it("inherits through a type that extends another without adding properties", () => {
    const doc = withTypes({ base, alias: { extends: "base" } });
    expect(toNode({ extends: "base" }, doc)).toEqual({ kind: "ref", meta: { nullable: false }, target: "base" });
    expect(names(objectNode({ extends: "alias", properties: { flag: { type: "boolean" } } }, doc).properties)).toEqual([
      "note",
      "count",
      "flag",
    ]);
  });

  it("gives read_email's output the message summary's fields, then the full message's", () => {
    const output = objectNode(SPEC.tools.read_email?.output ?? {}, SPEC);
    expect(names(output.properties)).toEqual([
      ...Object.keys(SPEC.types.message_summary?.properties ?? {}),
      ...Object.keys(SPEC.types.email_message?.properties ?? {}),
    ]);
  });
});

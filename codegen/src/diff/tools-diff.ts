// The tools: their existence, scope, hints, schemas, error lists and examples.
import { isDeepStrictEqual } from "node:util";
import type { SpecDocument, SpecTool } from "../spec/model.js";
import { buildSchemaModel, toNode, type SchemaModel } from "../schema/ir.js";
import { implicitObject } from "../schema/tools.js";
import { breakingChange, compatibleChange, type SpecChange } from "./change.js";
import { byName, diffKeyed, diffMembers, diffText, diffValue } from "./compare.js";
import { diffSchemas } from "./schema-diff.js";

interface ToolSide {
  doc: SpecDocument;
  model: SchemaModel;
}

export function diffTools(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const beforeSide: ToolSide = { doc: before, model: buildSchemaModel(before) };
  const afterSide: ToolSide = { doc: after, model: buildSchemaModel(after) };
  return diffKeyed(before.tools, after.tools, {
    removed: (name) => [breakingChange(`tools.${name}`, "tool removed")],
    added: (name) => [compatibleChange(`tools.${name}`, "new tool")],
    kept: (name, b, a) => diffTool(`tools.${name}`, { ...beforeSide, tool: b }, { ...afterSide, tool: a }),
  });
}

function diffTool(
  path: string,
  before: ToolSide & { tool: SpecTool },
  after: ToolSide & { tool: SpecTool },
): SpecChange[] {
  const b = before.tool;
  const a = after.tool;
  return [
    ...diffText(`${path}.title`, b.title, a.title),
    ...diffValue(`${path}.scope`, b.scope, a.scope, true, "required scope changed"),
    ...diffAnnotations(`${path}.annotations`, b.annotations, a.annotations),
    ...diffText(`${path}.description`, b.description, a.description),
    ...diffSchemas(
      { model: before.model, node: toNode(implicitObject(b.input), before.doc) },
      { model: after.model, node: toNode(implicitObject(a.input), after.doc) },
      `${path}.input`,
      "input",
    ),
    ...diffSchemas(
      { model: before.model, node: toNode(implicitObject(b.output), before.doc) },
      { model: after.model, node: toNode(implicitObject(a.output), after.doc) },
      `${path}.output`,
      "output",
    ),
    // A code dropped from a tool's list makes implementers that still return it non-conforming.
    ...diffMembers(`${path}.errors`, "error code", b.errors, a.errors, { removal: true, addition: false }),
    ...diffExamples(`${path}.examples`, b.examples, a.examples),
  ];
}

// Hints bind both sides: clients act on them (auto-approving read-only tools, retrying idempotent
// ones) and implementers must honour them, so a hint that flips breaks one side or the other.
function diffAnnotations(path: string, before: SpecTool["annotations"], after: SpecTool["annotations"]): SpecChange[] {
  return (Object.keys(before) as (keyof SpecTool["annotations"])[]).flatMap((hint) =>
    diffValue(`${path}.${hint}`, before[hint], after[hint], true, "hint changed"),
  );
}

function diffExamples(path: string, before: SpecTool["examples"], after: SpecTool["examples"]): SpecChange[] {
  return diffKeyed(
    byName(before, (e) => e.name),
    byName(after, (e) => e.name),
    {
      removed: (name) => [compatibleChange(path, `example removed: ${name}`)],
      added: (name) => [compatibleChange(path, `example added: ${name}`)],
      kept: (name, b, a) => (isDeepStrictEqual(b, a) ? [] : [compatibleChange(path, `example changed: ${name}`)]),
    },
  );
}

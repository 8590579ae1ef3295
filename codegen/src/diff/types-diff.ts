// Named types. A change inside a type used by a tool is reported under every tool path that uses
// it (see schema-diff.ts); here are only the types themselves appearing or disappearing, and
// changes to types no tool uses, which no request or result can notice.
import { isDeepStrictEqual } from "node:util";
import type { SpecDocument, SpecSchema } from "../spec/model.js";
import { compatibleChange, type SpecChange } from "./change.js";
import { diffKeyed } from "./compare.js";

export function diffTypes(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const used = new Set([...typesUsedByTools(before), ...typesUsedByTools(after)]);
  return diffKeyed(before.types, after.types, {
    removed: (name) => [compatibleChange(`types.${name}`, "type removed")],
    added: (name) => [compatibleChange(`types.${name}`, "new type")],
    kept: (name, b, a) =>
      used.has(name) || isDeepStrictEqual(b, a)
        ? []
        : [compatibleChange(`types.${name}`, "type changed; no tool uses it")],
  });
}

function typesUsedByTools(doc: SpecDocument): Set<string> {
  const used = new Set<string>();
  const visit = (schema: SpecSchema): void => {
    for (const target of [schema.ref, schema.extends]) {
      if (target === undefined || used.has(target)) continue;
      used.add(target);
      const named = doc.types[target];
      if (named) visit(named);
    }
    if (schema.items) visit(schema.items);
    for (const property of Object.values(schema.properties ?? {})) visit(property);
  };
  for (const tool of Object.values(doc.tools)) {
    visit(tool.input);
    visit(tool.output);
  }
  return used;
}

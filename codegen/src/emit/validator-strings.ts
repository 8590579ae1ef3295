// How zod and TypeBox constrain a string: a format's or the spec's own pattern, and length bounds.
// Patterns in the spec are ASCII-only where they meet a length bound, so code units equal code
// points there; without a pattern, length goes through codePointLengthPattern.
import type { SchemaNode } from "../schema/ir.js";
import { codePointLengthPattern, lengthMessage } from "./code-point-length.js";

type StringNode = Extract<SchemaNode, { kind: "string" }>;

export interface StringChecks {
  pattern?: { source: string; message: string };
  /** Length bounds that can be counted in UTF-16 units because a pattern keeps the string ASCII. */
  codeUnitLength?: { min?: number; max?: number };
  codePointLength?: { source: string; message: string };
}

export function stringChecks(node: StringNode): StringChecks {
  const checks: StringChecks = {};
  const schemaFormat = node.format?.checkedBy === "schema" ? node.format : undefined;
  const pattern = node.pattern ?? schemaFormat?.pattern;
  if (pattern !== undefined) {
    checks.pattern = {
      source: pattern,
      message: schemaFormat ? `must be a valid ${schemaFormat.name}` : `must match ${pattern}`,
    };
  }
  const hasLength = node.minLength !== undefined || node.maxLength !== undefined;
  if (hasLength && pattern !== undefined) {
    checks.codeUnitLength = {};
    if (node.minLength !== undefined) checks.codeUnitLength.min = node.minLength;
    if (node.maxLength !== undefined) checks.codeUnitLength.max = node.maxLength;
  } else if (hasLength) {
    checks.codePointLength = {
      source: codePointLengthPattern(node.minLength, node.maxLength),
      message: lengthMessage(node.minLength, node.maxLength),
    };
  }
  return checks;
}

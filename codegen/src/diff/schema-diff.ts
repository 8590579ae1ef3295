// Compares two schemas of the IR. Named types are followed through refs on both sides, so a change
// inside a type is reported at every place that uses it, under that place's path.
import { isDeepStrictEqual } from "node:util";
import type { PropertyNode, SchemaModel, SchemaNode } from "../schema/ir.js";
import { breakingChange, compatibleChange, makeChange, type ChangedValues, type SpecChange } from "./change.js";
import { diffText, setDifference } from "./compare.js";

/**
 * Which way the data flows. The server validates inputs, so an input schema that accepts less
 * refuses calls that used to work. Clients consume outputs, so an output schema that allows more
 * can hand them values they were not written for; one that allows less breaks only implementers
 * that already send the difference, which the spec never promised them they could.
 */
export type Direction = "input" | "output";

export interface SchemaSide {
  model: SchemaModel;
  node: SchemaNode;
}

export function diffSchemas(before: SchemaSide, after: SchemaSide, path: string, direction: Direction): SpecChange[] {
  const walk: Walk = { before: before.model, after: after.model, direction, changes: [], inProgress: new Set() };
  compareNodes(walk, before.node, after.node, path);
  return walk.changes;
}

type ConcreteNode = Exclude<SchemaNode, { kind: "ref" }>;

interface Walk {
  before: SchemaModel;
  after: SchemaModel;
  direction: Direction;
  changes: SpecChange[];
  /** Pairs of named-type chains being compared further up, so that a recursive type ends. */
  inProgress: Set<string>;
}

/** A node with its refs followed; the use site's description, default and nullable win, as in the emitters. */
interface Effective {
  node: ConcreteNode;
  nullable: boolean;
  description?: string;
  default?: { value: unknown };
  via: string[];
}

function effective(model: SchemaModel, node: SchemaNode): Effective {
  const via: string[] = [];
  let nullable = false;
  let description: string | undefined;
  let defaultValue: { value: unknown } | undefined;
  let current = node;
  for (;;) {
    nullable ||= current.meta.nullable;
    description ??= current.meta.description;
    defaultValue ??= current.meta.default;
    if (current.kind !== "ref") break;
    if (via.includes(current.target)) throw new Error(`reference cycle through ${current.target}`);
    via.push(current.target);
    const target = model.types.get(current.target);
    if (!target) throw new Error(`unknown type ${current.target}`);
    current = target;
  }
  const result: Effective = { node: current, nullable, via };
  if (description !== undefined) result.description = description;
  if (defaultValue !== undefined) result.default = defaultValue;
  return result;
}

function compareNodes(walk: Walk, beforeNode: SchemaNode, afterNode: SchemaNode, path: string): void {
  const before = effective(walk.before, beforeNode);
  const after = effective(walk.after, afterNode);
  const pair = `${before.via.join(">")}|${after.via.join(">")}`;
  if (pair !== "|" && walk.inProgress.has(pair)) return;
  walk.inProgress.add(pair);
  try {
    compareEffective(walk, before, after, path);
  } finally {
    walk.inProgress.delete(pair);
  }
}

function compareEffective(walk: Walk, before: Effective, after: Effective, path: string): void {
  walk.changes.push(...diffText(`${path}.description`, before.description, after.description));
  compareDefault(walk, before.default, after.default, `${path}.default`);
  if (before.nullable !== after.nullable) {
    const summary = NULLABLE_SUMMARIES[walk.direction][after.nullable ? "now" : "no longer"];
    report(walk, `${path}.nullable`, !after.nullable, summary, { before: before.nullable, after: after.nullable });
  }

  const b = before.node;
  const a = after.node;
  if (b.kind === "string" && a.kind === "string") {
    // An enum opened up to any string within bounds (list_inbox's folder in 1.1.0): a bound tightens
    // nothing when every value the enum allowed is within it.
    const opened = b.enum !== undefined && a.enum === undefined ? b.enum.map((v) => [...v].length) : undefined;
    if (!opened?.every((length) => length >= (a.minLength ?? 0)))
      bound(walk, `${path}.min_length`, b.minLength, a.minLength, "raised");
    if (!opened?.every((length) => length <= (a.maxLength ?? Infinity)))
      bound(walk, `${path}.max_length`, b.maxLength, a.maxLength, "lowered");
    restriction(walk, `${path}.pattern`, "pattern", b.pattern, a.pattern);
    restriction(walk, `${path}.format`, "format", b.format?.name, a.format?.name);
    compareEnum(walk, `${path}.enum`, b.enum, a.enum);
  } else if (b.kind === "integer" && a.kind === "integer") {
    bound(walk, `${path}.minimum`, b.minimum, a.minimum, "raised");
    bound(walk, `${path}.maximum`, b.maximum, a.maximum, "lowered");
  } else if (b.kind === "array" && a.kind === "array") {
    bound(walk, `${path}.min_items`, b.minItems, a.minItems, "raised");
    bound(walk, `${path}.max_items`, b.maxItems, a.maxItems, "lowered");
    compareNodes(walk, b.items, a.items, `${path}[]`);
  } else if (b.kind === "object" && a.kind === "object") {
    compareProperties(walk, b.properties, a.properties, path);
  } else if (b.kind !== a.kind) {
    walk.changes.push(breakingChange(`${path}.type`, "type changed", { before: b.kind, after: a.kind }));
  }
}

const NULLABLE_SUMMARIES = {
  input: { now: "input now accepts null", "no longer": "input no longer accepts null" },
  output: { now: "output may now be null", "no longer": "output is no longer nullable" },
} as const;

/** Pushes a constraint change; `tightened` says whether the new schema accepts less than the old one. */
function report(walk: Walk, path: string, tightened: boolean, summary: string, values: ChangedValues): void {
  const breaking = walk.direction === "input" ? tightened : !tightened;
  walk.changes.push(makeChange(path, breaking, summary, values));
}

function bound(
  walk: Walk,
  path: string,
  before: number | undefined,
  after: number | undefined,
  tightenedWhen: "raised" | "lowered",
): void {
  if (before === after) return;
  const tightened =
    before === undefined || (after !== undefined && (tightenedWhen === "raised" ? after > before : after < before));
  report(walk, path, tightened, `${walk.direction} bound ${tightened ? "tightened" : "loosened"}`, { before, after });
}

/** A pattern or format: adding one restricts, removing one frees; a changed regex cannot be ordered, so it breaks either way. */
function restriction(
  walk: Walk,
  path: string,
  what: "pattern" | "format",
  before: string | undefined,
  after: string | undefined,
): void {
  if (before === after) return;
  const values = { before, after };
  if (before === undefined) report(walk, path, true, `${walk.direction} ${what} added`, values);
  else if (after === undefined) report(walk, path, false, `${walk.direction} ${what} removed`, values);
  else walk.changes.push(breakingChange(path, `${walk.direction} ${what} changed`, values));
}

// An output enum that gains a value is breaking: generated clients type the field as a union of
// the known values, and code that switches over them has no branch for the new one.
function compareEnum(walk: Walk, path: string, before: string[] | undefined, after: string[] | undefined): void {
  if (isDeepStrictEqual(before, after)) return;
  const values = { before, after };
  if (before === undefined || after === undefined) {
    const tightened = before === undefined;
    report(walk, path, tightened, `${walk.direction} enum ${tightened ? "added" : "removed"}`, values);
    return;
  }
  const { removed, added } = setDifference(before, after);
  if (removed.length > 0)
    report(walk, path, true, `${walk.direction} enum ${plural("value", removed)} removed: ${listed(removed)}`, values);
  if (added.length > 0)
    report(walk, path, false, `${walk.direction} enum ${plural("value", added)} added: ${listed(added)}`, values);
  if (removed.length === 0 && added.length === 0)
    walk.changes.push(compatibleChange(path, "enum values reordered", values));
}

function compareDefault(
  walk: Walk,
  before: { value: unknown } | undefined,
  after: { value: unknown } | undefined,
  path: string,
): void {
  if (isDeepStrictEqual(before, after)) return;
  const values = { before: before?.value, after: after?.value };
  // A new default only pins down what omitting the parameter did; changing or dropping one changes
  // what existing calls that omit it do.
  if (before === undefined) walk.changes.push(compatibleChange(path, "default added", values));
  else walk.changes.push(breakingChange(path, after === undefined ? "default removed" : "default changed", values));
}

function compareProperties(
  walk: Walk,
  before: readonly PropertyNode[],
  after: readonly PropertyNode[],
  path: string,
): void {
  const input = walk.direction === "input";
  const names = [...new Set([...before.map((p) => p.name), ...after.map((p) => p.name)])];
  for (const name of names) {
    const b = before.find((p) => p.name === name);
    const a = after.find((p) => p.name === name);
    const at = `${path}.${name}`;
    if (b && a) {
      if (b.required !== a.required) {
        const summary = input
          ? `input parameter became ${a.required ? "required" : "optional"}`
          : `output field became ${a.required ? "required" : "optional"}`;
        report(walk, at, a.required, summary, {
          before: b.required ? "required" : "optional",
          after: a.required ? "required" : "optional",
        });
      }
      compareNodes(walk, b.node, a.node, at);
    } else if (b) {
      // Tool inputs refuse unknown parameters, so clients still sending a removed one get an error.
      walk.changes.push(breakingChange(at, input ? "input parameter removed" : "output field removed"));
    } else if (a) {
      if (!input) walk.changes.push(compatibleChange(at, "new output field"));
      else if (a.required) walk.changes.push(breakingChange(at, "new required input parameter"));
      else walk.changes.push(compatibleChange(at, "new optional input parameter"));
    }
  }
}

function listed(items: readonly string[]): string {
  return items.length === 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

function plural(word: string, items: readonly unknown[]): string {
  return items.length === 1 ? word : `${word}s`;
}

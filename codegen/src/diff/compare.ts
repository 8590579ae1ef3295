// Small comparison building blocks shared by the section comparators.
import { isDeepStrictEqual } from "node:util";
import { compatibleChange, makeChange, type SpecChange } from "./change.js";

export interface KeyedHandlers<T> {
  removed(key: string, before: T): SpecChange[];
  added(key: string, after: T): SpecChange[];
  kept(key: string, before: T, after: T): SpecChange[];
}

/** Compares two name -> entry records, in the order of `before` followed by the names new in `after`. */
export function diffKeyed<T>(
  before: Readonly<Record<string, T>>,
  after: Readonly<Record<string, T>>,
  handlers: KeyedHandlers<T>,
): SpecChange[] {
  const changes: SpecChange[] = [];
  for (const key of unionOfKeys(before, after)) {
    const b = Object.hasOwn(before, key) ? before[key] : undefined;
    const a = Object.hasOwn(after, key) ? after[key] : undefined;
    if (b !== undefined && a !== undefined) changes.push(...handlers.kept(key, b, a));
    else if (b !== undefined) changes.push(...handlers.removed(key, b));
    else if (a !== undefined) changes.push(...handlers.added(key, a));
  }
  return changes;
}

function unionOfKeys(before: object, after: object): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])];
}

/** The members only in `before` and only in `after`, each in its own list's order. */
export function setDifference<T>(before: readonly T[], after: readonly T[]): { removed: T[]; added: T[] } {
  return { removed: before.filter((x) => !after.includes(x)), added: after.filter((x) => !before.includes(x)) };
}

/** A documentation-only field (description, guidance, title...): reported, never breaking. */
export function diffText(path: string, before: string | undefined, after: string | undefined): SpecChange[] {
  if (before === after) return [];
  return [
    compatibleChange(
      path,
      before === undefined ? "text added" : after === undefined ? "text removed" : "text changed",
      { before, after },
    ),
  ];
}

/** A value whose every change is breaking (or every change is not), whatever the direction. */
export function diffValue(
  path: string,
  before: unknown,
  after: unknown,
  breaking: boolean,
  summary = "changed",
): SpecChange[] {
  return isDeepStrictEqual(before, after) ? [] : [makeChange(path, breaking, summary, { before, after })];
}

/**
 * A ceiling on what the server accepts or does (a limit, a quota, a rate-limit allowance): lowering
 * it refuses what used to pass. `null` means unlimited; a string such as "custom" cannot be
 * ordered, so any change to or from it counts as lowering.
 */
export function diffCeiling(path: string, before: number | string | null, after: number | string | null): SpecChange[] {
  if (before === after) return [];
  const rank = (v: number | string | null) => (v === null ? Infinity : typeof v === "number" ? v : Number.NaN);
  if (Number.isNaN(rank(before)) || Number.isNaN(rank(after)))
    return [makeChange(path, true, "changed", { before, after })];
  const raised = rank(after) > rank(before);
  return [makeChange(path, !raised, raised ? "raised" : "lowered", { before, after })];
}

/**
 * Members of a list that are matched by value (protocol revisions, error codes): each one that
 * disappears or appears is one change, breaking as the caller says.
 */
export function diffMembers(
  path: string,
  noun: string,
  before: readonly string[],
  after: readonly string[],
  breaks: { removal: boolean; addition: boolean },
): SpecChange[] {
  const { removed, added } = setDifference(before, after);
  return [
    ...removed.map((member) => makeChange(path, breaks.removal, `${noun} removed: ${member}`)),
    ...added.map((member) => makeChange(path, breaks.addition, `${noun} added: ${member}`)),
  ];
}

/** Turns a list of named entries into a record, so that it can be compared by name; a repeated name gets a #2, #3... */
export function byName<T>(entries: readonly T[], nameOf: (entry: T) => string): Record<string, T> {
  const record: Record<string, T> = {};
  for (const entry of entries) {
    const name = nameOf(entry);
    let key = name;
    for (let n = 2; Object.hasOwn(record, key); n++) key = `${name}#${n}`;
    record[key] = entry;
  }
  return record;
}

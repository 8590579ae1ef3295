// Renders a list of changes for people (one line each, then a count) or for programs (JSON).
import { hasValues, type SpecChange } from "./change.js";

const LONGEST_VALUE = 60;

export function formatChangesAsText(changes: readonly SpecChange[], against: string): string {
  const lines = changes.map(
    (change) =>
      `${change.breaking ? "BREAKING  " : "ok        "}${change.path}: ${change.summary}${hasValues(change) ? `, ${show(change.before)} -> ${show(change.after)}` : ""}`,
  );
  lines.push(summaryLine(changes, against));
  return `${lines.join("\n")}\n`;
}

export function formatChangesAsJson(changes: readonly SpecChange[], against: string): string {
  const breaking = changes.filter((c) => c.breaking).length;
  return `${JSON.stringify({ against, breaking, nonBreaking: changes.length - breaking, changes }, null, 2)}\n`;
}

export function summaryLine(changes: readonly SpecChange[], against: string): string {
  const breaking = changes.filter((c) => c.breaking).length;
  return `${breaking} breaking, ${changes.length - breaking} non-breaking changes against ${against}`;
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length <= LONGEST_VALUE ? text : `${text.slice(0, LONGEST_VALUE - 1)}…`;
}

// Where two JSON values first differ, as a path a person can follow into a large payload.

export function firstDifference(expected: unknown, actual: unknown, path = "$"): string {
  if (Object.is(expected, actual)) return "none";
  if (typeof expected !== typeof actual || expected === null || actual === null || typeof expected !== "object") {
    return `${path}: expected ${preview(expected)}, got ${preview(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual))
    return `${path}: expected ${preview(expected)}, got ${preview(actual)}`;
  const a = expected as Record<string, unknown>;
  const b = actual as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(key in b)) return `${path}.${key} is missing`;
    if (!(key in a)) return `${path}.${key} is not in the spec`;
    const inner = firstDifference(a[key], b[key], `${path}.${key}`);
    if (inner !== "none") return inner;
  }
  return "none";
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// zod and TypeBox count string length in UTF-16 code units; JSON Schema counts code points. So
// that all three forms accept exactly the same strings, zod and TypeBox check length bounds with
// this pattern, which counts a surrogate pair as one character with or without the regex `u` flag.
export function codePointLengthPattern(min: number | undefined, max: number | undefined): string {
  return `^(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[\\s\\S]){${min ?? 0},${max ?? ""}}$`;
}

export function lengthMessage(min: number | undefined, max: number | undefined): string {
  const chars = (n: number) => `${n} character${n === 1 ? "" : "s"}`;
  if (min !== undefined && max !== undefined) return `must be ${chars(min)} to ${chars(max)} long`;
  if (max !== undefined) return `must be at most ${chars(max)}`;
  return `must be at least ${chars(min ?? 0)}`;
}

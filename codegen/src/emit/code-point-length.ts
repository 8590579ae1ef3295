// zod and TypeBox count string length in UTF-16 code units; JSON Schema counts code points. So
// that all three forms accept exactly the same strings, zod and TypeBox check length bounds with
// this pattern, which counts a surrogate pair as one character with or without the regex `u` flag.
// Its three alternatives never overlap (a pair, a non-high-surrogate unit, a lone high surrogate),
// so a failing match backtracks in linear time rather than trying every split of every pair.
const ONE_CODE_POINT =
  "(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^\\uD800-\\uDBFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF]))";

export function codePointLengthPattern(min: number | undefined, max: number | undefined): string {
  // Without an upper bound, "at least min" needs no end anchor, and no loop over the whole string.
  if (max === undefined) return `^${ONE_CODE_POINT}{${min ?? 0}}`;
  return `^${ONE_CODE_POINT}{${min ?? 0},${max}}$`;
}

export function lengthMessage(min: number | undefined, max: number | undefined): string {
  const chars = (n: number) => `${n} character${n === 1 ? "" : "s"}`;
  if (min !== undefined && max !== undefined) return `must be ${chars(min)} to ${chars(max)} long`;
  if (max !== undefined) return `must be at most ${chars(max)}`;
  return `must be at least ${chars(min ?? 0)}`;
}

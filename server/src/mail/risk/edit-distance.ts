// Levenshtein distance between two domain labels, with a caller's notion of equal characters
// (a digit standing for the letter it imitates), computed only as far as the caller cares.

/** Labels are at most 63 characters (RFC 1035); anything longer is not compared. */
export const LABEL_MAX_LENGTH = 63;

/**
 * The edit distance between a and b when it is at most max, else max + 1. Only the cells within
 * max of the diagonal are computed: the others cannot lead to a distance within max.
 */
export function boundedEditDistance(
  a: string,
  b: string,
  max: number,
  same: (x: string, y: string) => boolean = (x, y) => x === y,
): number {
  if (a.length > LABEL_MAX_LENGTH || b.length > LABEL_MAX_LENGTH) return max + 1;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const far = max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => Math.min(j, far));
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(far);
    current[0] = Math.min(i, far);
    let best = current[0];
    for (let j = Math.max(1, i - max); j <= Math.min(b.length, i + max); j++) {
      const substitution = (previous[j - 1] ?? far) + (same(a[i - 1] ?? "", b[j - 1] ?? "") ? 0 : 1);
      const deletion = (previous[j] ?? far) + 1;
      const insertion = (current[j - 1] ?? far) + 1;
      const cell = Math.min(substitution, deletion, insertion, far);
      current[j] = cell;
      best = Math.min(best, cell);
    }
    if (best > max) return far;
    previous = current;
  }
  return Math.min(previous[b.length] ?? far, far);
}

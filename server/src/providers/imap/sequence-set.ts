// The numbers of an IMAP sequence set ("1:5,9,12:14", as ESEARCH ALL answers), taken from the end,
// without expanding the whole set: an unread-only page of a huge folder costs the size of the set's
// text, not the number of unread messages. Hand-written: imapflow expands sets only in full.

/** The numbers at positions offset..offset+limit counted from the largest, largest first. */
export function lastOfSet(set: string, offset: number, limit: number): number[] {
  const ranges = set
    .split(",")
    .filter((part) => part !== "")
    .map((part) => {
      const [low, high] = part.split(":").map(Number);
      const a = low ?? 0;
      const b = high ?? a;
      return a <= b ? [a, b] : [b, a];
    })
    .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
  const picked: number[] = [];
  let skip = offset;
  for (let index = ranges.length - 1; index >= 0 && picked.length < limit; index--) {
    const [low = 0, high = 0] = ranges[index] ?? [];
    const size = high - low + 1;
    if (skip >= size) {
      skip -= size;
      continue;
    }
    for (let value = high - skip; value >= low && picked.length < limit; value--) picked.push(value);
    skip = 0;
  }
  return picked;
}

/** Ascending numbers as a compact sequence set ("1:3,7"), so that a command naming many UIDs stays short. */
export function toSequenceSet(ascending: readonly number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < ascending.length;) {
    const low = ascending[index] as number;
    let high = low;
    while (ascending[index + 1] === high + 1) high = ascending[++index] as number;
    parts.push(low === high ? String(low) : `${low}:${high}`);
    index++;
  }
  return parts.join(",");
}

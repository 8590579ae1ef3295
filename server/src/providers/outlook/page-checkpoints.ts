// A page of a Graph message collection after the first is reached through the @odata.nextLink of the
// page before it: $search takes no $skip of ours, and the $skip Graph puts in its nextLinks counts
// store items passed, not messages returned (collection-window.ts). The provider keeps, per query,
// the link where each offset it has reached begins, so that walking pages in order costs one request
// per page. Bounded, oldest first out; a checkpoint older than maxAgeMs is not used,
// since mail arriving or leaving since shifts what lies at each position.
export class PageCheckpoints {
  private readonly links = new Map<string, { link: string; at: number }>();

  constructor(
    private readonly capacity = 2000,
    private readonly maxAgeMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The nearest known starting point at or before the offset: the offset it starts at and its link (null: the query's first page). */
  nearest(query: string, offset: number): { offset: number; link: string | null } {
    let best: { offset: number; link: string | null } = { offset: 0, link: null };
    const oldest = this.now() - this.maxAgeMs;
    for (const [key, { link, at }] of this.links) {
      const [keyQuery, keyOffset] = splitKey(key);
      if (at < oldest) this.links.delete(key);
      else if (keyQuery === query && keyOffset <= offset && keyOffset > best.offset) best = { offset: keyOffset, link };
    }
    return best;
  }

  remember(query: string, offset: number, link: string): void {
    const key = `${query}\u0000${offset}`;
    this.links.delete(key);
    this.links.set(key, { link, at: this.now() });
    while (this.links.size > this.capacity) this.links.delete(this.links.keys().next().value as string);
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf("\u0000");
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

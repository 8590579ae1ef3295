// Graph's $search has no $skip: a page after the first is reached through the @odata.nextLink of the
// page before it. The provider keeps, per query, where each offset it has reached begins, so that
// walking pages in order costs one request per page. Bounded, least recently used first out.
export class SearchCheckpoints {
  private readonly links = new Map<string, string>();

  constructor(private readonly capacity = 2000) {}

  /** The nearest known starting point at or before the offset: the offset it starts at and its link (null: the query's first page). */
  nearest(query: string, offset: number): { offset: number; link: string | null } {
    let best: { offset: number; link: string | null } = { offset: 0, link: null };
    for (const [key, link] of this.links) {
      const [keyQuery, keyOffset] = splitKey(key);
      if (keyQuery === query && keyOffset <= offset && keyOffset > best.offset) best = { offset: keyOffset, link };
    }
    if (best.link !== null) this.touch(`${query}\u0000${best.offset}`, best.link);
    return best;
  }

  remember(query: string, offset: number, link: string): void {
    this.touch(`${query}\u0000${offset}`, link);
    while (this.links.size > this.capacity) this.links.delete(this.links.keys().next().value as string);
  }

  private touch(key: string, link: string): void {
    this.links.delete(key);
    this.links.set(key, link);
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf("\u0000");
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

// Offsets over a service that only continues from a page token or a next link (Gmail's
// nextPageToken, Graph's @odata.nextLink): per query, the token where each offset reached begins,
// so that a walk page by page costs one request per page and a jump starts from the nearest offset
// known. Bounded, oldest out; a checkpoint older than maxAgeMs is not used, since mail arriving or
// leaving since shifts what lies at each position (the spec's decision "pagination").
export interface PageCheckpointOptions {
  capacity?: number;
  maxAgeMs?: number;
  now?: () => number;
}

export class PageCheckpoints {
  private readonly entries = new Map<string, { token: string; at: number }>();
  private readonly capacity: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: PageCheckpointOptions = {}) {
    this.capacity = options.capacity ?? 2000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The greatest offset at most `offset` with a fresh token, and the token (offset 0, null: the query's first page). */
  nearest(query: string, offset: number): { offset: number; token: string | null } {
    let best: { offset: number; token: string | null } = { offset: 0, token: null };
    const oldest = this.now() - this.maxAgeMs;
    for (const [key, { token, at }] of this.entries) {
      const [keyQuery, keyOffset] = splitKey(key);
      if (at < oldest) this.entries.delete(key);
      else if (keyQuery === query && keyOffset <= offset && keyOffset > best.offset)
        best = { offset: keyOffset, token };
    }
    return best;
  }

  remember(query: string, offset: number, token: string): void {
    const key = `${query}\u0000${offset}`;
    this.entries.delete(key);
    this.entries.set(key, { token, at: this.now() });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Drops every checkpoint of the query (the service refused one of its tokens). */
  forget(query: string): void {
    for (const key of [...this.entries.keys()]) if (splitKey(key)[0] === query) this.entries.delete(key);
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf("\u0000");
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

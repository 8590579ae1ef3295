// What the server's rate limits leave the run. The spec counts per key, in rolling windows, every
// tools/call and every element of a batch, and does not record a refused request (rate_limits).
// The pacer records when the run's key made each request the server counts; once a
// rate_limit_exceeded names a window and its limit, it knows the rest: the next request is let
// through when the limit-th newest counted request leaves the window.
import { RATE_LIMITS } from "@mcpemails/generated";

export interface SeenWindow {
  name: string;
  seconds: number;
  limit: number;
}

const SPEC_WINDOW_SECONDS = new Map(RATE_LIMITS.windows.map((w) => [w.name as string, w.seconds]));
// More than a run makes: the pacer stops counting what it affords there, so that a limit a server
// states as absurdly large (it is a stranger's number) costs no more than this to plan by.
const AFFORDABLE_CAP = 10_000;

export class Pacer {
  /** When each request the server counts was let through, oldest first. */
  private readonly counted: number[] = [];
  private readonly windows = new Map<string, SeenWindow>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A request the server counts (a tools/call, or each element of a batch) was let through. */
  recordCounted(requests = 1): void {
    const at = this.now();
    for (let i = 0; i < requests; i++) this.counted.push(at);
  }

  /**
   * A rate_limit_exceeded answer. A window the spec does not name, or a refusal that names none,
   * is taken as a minute holding the requests counted in the last minute.
   */
  recordRefusal(refusal: Readonly<Record<string, unknown>>): void {
    const named = typeof refusal.window === "string" ? SPEC_WINDOW_SECONDS.get(refusal.window) : undefined;
    const seconds = named ?? 60;
    const name = named === undefined ? "minute" : (refusal.window as string);
    const limit =
      typeof refusal.limit === "number" && Number.isSafeInteger(refusal.limit) && refusal.limit > 0
        ? refusal.limit
        : Math.max(1, this.counted.filter((at) => at > this.now() - seconds * 1000).length);
    this.windows.set(name, { name, seconds, limit });
  }

  /** How many requests of the run the server counted against --token. */
  get countedRequests(): number {
    return this.counted.length;
  }

  /** The windows the server has shown, tightest first; none while no request was refused. */
  seenWindows(): SeenWindow[] {
    return [...this.windows.values()].sort((a, b) => a.limit / a.seconds - b.limit / b.seconds);
  }

  /** How many more counted requests the windows seen let through before deadlineMs; unbounded while none was seen. */
  affordableBefore(deadlineMs: number): number {
    if (this.windows.size === 0) return Number.POSITIVE_INFINITY;
    if ([...this.windows.values()].every(({ limit }) => limit >= this.counted.length + AFFORDABLE_CAP))
      return AFFORDABLE_CAP;
    const times = [...this.counted];
    let affordable = 0;
    for (; affordable < AFFORDABLE_CAP; affordable++) {
      let next = this.now();
      for (const { seconds, limit } of this.windows.values()) {
        const blocking = times[times.length - limit];
        if (blocking !== undefined) next = Math.max(next, blocking + seconds * 1000);
      }
      if (next > deadlineMs) break;
      times.push(next);
    }
    return affordable;
  }
}

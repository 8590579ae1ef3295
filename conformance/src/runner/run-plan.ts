// How a run fits the server's rate limits into its time budget. Every rule is checked at least
// once whatever the limits: the fixed checks, one boundary case per rule (parameter and
// constraint) and one run of each property always run, waiting out the limits when they must.
// What a limit can cut is the rest: property runs beyond the first, and the other boundary cases
// of each rule. While the server has refused nothing, nothing is cut.
import type { Pacer, SeenWindow } from "./pacer.js";

/** Property runs that happen however the server limits the run. */
export const MIN_PROPERTY_RUNS = 1;
// The server's count and the runner's may differ by a request or two (a batch element it refused,
// a request it did not count, a check's extra poll): optional work leaves this many spare.
const MARGIN_CALLS = 3;

/** Thrown before a property run the plan cannot afford; the runs before it stand. */
export class PlanCut extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class RunPlan {
  readonly deadlineMs: number;
  private reservedAhead = 0;
  private propertiesAhead = 0;
  /** Property runs cut, and optional checks left out, for the summary. */
  readonly cut = { propertyRuns: 0, checks: 0 };

  constructor(
    readonly pacer: Pacer,
    readonly timeBudgetSeconds: number,
    startedMs: number,
  ) {
    this.deadlineMs = startedMs + timeBudgetSeconds * 1000;
  }

  /** Set before each check: the calls the checks after it make however limited, and the properties from it on. */
  lookAhead(reservedCalls: number, propertyChecks: number): void {
    this.reservedAhead = reservedCalls;
    this.propertiesAhead = propertyChecks;
  }

  /** Calls left for work the plan may cut, once the calls reserved for the checks ahead are set aside. */
  spare(): number {
    return this.pacer.affordableBefore(this.deadlineMs) - this.reservedAhead - MARGIN_CALLS;
  }

  /**
   * The runs of the property check about to start: all it asks for while no limit binds; from the
   * first refusal on, its share of the spare calls (split evenly with the properties after it),
   * and never fewer than MIN_PROPERTY_RUNS.
   */
  propertyRuns(): (done: number) => boolean {
    const properties = Math.max(1, this.propertiesAhead);
    let allowed = Number.POSITIVE_INFINITY;
    return (done) => {
      if (allowed === Number.POSITIVE_INFINITY && this.pacer.seenWindows().length > 0)
        allowed = done + Math.max(0, Math.floor(this.spare() / properties));
      return done < MIN_PROPERTY_RUNS || done < allowed;
    };
  }

  /** Whether a check the plan may leave out (a second boundary case of a rule) fits. */
  affordsOptional(calls = 1): boolean {
    return this.spare() >= calls;
  }

  /** Why work was cut, in words: the window the server showed and the time budget. */
  reason(): string {
    return `the server's rate limit (${describeWindows(this.pacer.seenWindows())}) leaves no room for it within the ${this.timeBudgetSeconds} s time budget (--time-budget)`;
  }
}

export function describeWindows(windows: readonly SeenWindow[]): string {
  return windows.map((w) => `${w.limit}/${w.name}`).join(", ") || "none seen";
}

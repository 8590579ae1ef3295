// What a check is and what it can conclude. A check that lacks the data it needs says so: skipped
// is a verdict of its own, never folded into passed.
import type { Exchange } from "./exchange.js";
import type { RunContext } from "./run-context.js";

export const STAGES = ["protocol", "auth", "inputs", "behaviour", "errors"] as const;
export type Stage = (typeof STAGES)[number];

export interface Check {
  id: string;
  stage: Stage;
  /** Where the rule is written: a spec path, an MCP section or a decision id. */
  specRef: string;
  description: string;
  /**
   * How the run plan treats the check (run-plan.ts). Left out: it always runs. reserved: it always
   * runs, and the property checks before it leave it this many calls; property: its runs are cut to
   * its share when a rate limit binds; optional: it runs only when the limits leave room.
   */
  plan?: { reserved: number } | "property" | "optional";
  run(context: RunContext): Promise<Outcome>;
}

export interface Failure {
  status: "failed";
  message: string;
  exchange?: Exchange;
  /** For property checks: the shrunk input that broke the rule, and how many runs it took. */
  counterexample?: unknown;
  runs?: number;
}

export type Outcome =
  | { status: "passed"; details?: string }
  /** cutByPlan: left out to keep within the rate limits (run-plan.ts), not for want of data. */
  | { status: "skipped"; reason: string; cutByPlan?: true }
  | Failure;

export const passed = (details?: string): Outcome =>
  details === undefined ? { status: "passed" } : { status: "passed", details };
export const skipped = (reason: string): Outcome => ({ status: "skipped", reason });
export const failed = (
  message: string,
  exchange?: Exchange,
  extra: Pick<Failure, "counterexample" | "runs"> = {},
): Outcome => ({ status: "failed", message, ...(exchange ? { exchange } : {}), ...extra });

/** Thrown from deep inside a check to fail it with the exchange that broke the rule. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

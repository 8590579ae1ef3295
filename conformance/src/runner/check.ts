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

export type Outcome = { status: "passed"; details?: string } | { status: "skipped"; reason: string } | Failure;

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

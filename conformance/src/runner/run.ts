// Runs the selected checks one after another against one server and collects their verdicts.
import { CheckFailure, type Check, type Outcome, type Stage } from "./check.js";
import type { RunnerConfig } from "./config.js";
import { InboxSample } from "./inbox-sample.js";
import { CallBudgetSpent, ServerUnreachable, type McpClient } from "./mcp-client.js";
import { describeWindows, MIN_PROPERTY_RUNS, RunPlan } from "./run-plan.js";
import { SendFixture } from "./send-fixture.js";

export interface CheckResult {
  id: string;
  stage: Stage;
  specRef: string;
  description: string;
  outcome: Outcome;
  durationMs: number;
  /** How many tools/call this check made. */
  toolCalls: number;
}

export interface RunReport {
  url: string;
  seed: number;
  runs: number;
  /** How many tools/call the run made. */
  toolCalls: number;
  /** How long the run waited out rate_limit_exceeded, in ms. */
  rateLimitWaitMs: number;
  /** The rate windows the server showed (e.g. "100/minute"), and what the run plan cut to fit them. */
  limits: {
    seen: string;
    /** Requests the server counted against --token (tools/call and batch elements). */
    counted: number;
    propertyRunsCut: number;
    checksCut: number;
    timeBudgetSeconds: number;
  };
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
}

export interface RunHooks {
  onResult?(result: CheckResult): void;
}

export async function runChecks(
  config: RunnerConfig,
  checks: Check[],
  client: McpClient,
  hooks: RunHooks = {},
  clock: () => number = Date.now,
): Promise<RunReport> {
  const started = clock();
  const sends = new SendFixture(client, config);
  const plan = new RunPlan(client.pacer, config.timeBudgetSeconds, started);
  const context = { config, client, sends, plan, inbox: new InboxSample(client, config, sends) };
  const results: CheckResult[] = [];
  for (const [index, check] of checks.entries()) {
    const checkStarted = Date.now();
    const callsBefore = client.callsMade;
    const ahead = checks.slice(index);
    plan.lookAhead(reservedCalls(ahead.slice(1)), ahead.filter((c) => c.plan === "property").length);
    const outcome =
      check.plan === "optional" && !plan.affordsOptional() ? cutByPlan(plan) : await runOne(check, context);
    const result = {
      id: check.id,
      stage: check.stage,
      specRef: check.specRef,
      description: check.description,
      outcome,
      durationMs: Date.now() - checkStarted,
      toolCalls: client.callsMade - callsBefore,
    };
    results.push(result);
    hooks.onResult?.(result);
  }
  return {
    url: config.url,
    seed: config.seed,
    runs: config.runs,
    toolCalls: client.callsMade,
    rateLimitWaitMs: client.rateLimitWaitMs,
    limits: {
      seen: describeWindows(client.pacer.seenWindows()),
      counted: client.pacer.countedRequests,
      propertyRunsCut: plan.cut.propertyRuns,
      checksCut: plan.cut.checks,
      timeBudgetSeconds: config.timeBudgetSeconds,
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results,
  };
}

/** The calls these checks make however the run is limited: their reservations and each property's first runs. */
function reservedCalls(checks: Check[]): number {
  let calls = 0;
  for (const check of checks) {
    if (typeof check.plan === "object") calls += check.plan.reserved;
    if (check.plan === "property") calls += MIN_PROPERTY_RUNS;
  }
  return calls;
}

function cutByPlan(plan: RunPlan): Outcome {
  plan.cut.checks++;
  return { status: "skipped", reason: plan.reason(), cutByPlan: true };
}

async function runOne(check: Check, context: Parameters<Check["run"]>[0]): Promise<Outcome> {
  try {
    return await check.run(context);
  } catch (error) {
    // A server that goes away mid-run ends the run: every later check would fail for the same reason.
    if (error instanceof ServerUnreachable) throw error;
    if (error instanceof CallBudgetSpent)
      return { status: "skipped", reason: `${error.message} before this check ended` };
    if (error instanceof CheckFailure)
      return { status: "failed", message: error.message, ...(error.exchange ? { exchange: error.exchange } : {}) };
    return {
      status: "failed",
      message: `the check threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    };
  }
}

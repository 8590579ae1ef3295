// Runs the selected checks one after another against one server and collects their verdicts.
import { CheckFailure, type Check, type Outcome, type Stage } from "./check.js";
import type { RunnerConfig } from "./config.js";
import { InboxSample } from "./inbox-sample.js";
import { CallBudgetSpent, ServerUnreachable, type McpClient } from "./mcp-client.js";
import { SendFixture } from "./send-fixture.js";

export interface CheckResult {
  id: string;
  stage: Stage;
  specRef: string;
  description: string;
  outcome: Outcome;
  durationMs: number;
}

export interface RunReport {
  url: string;
  seed: number;
  runs: number;
  /** How many tools/call the run made. */
  toolCalls: number;
  /** How long the run waited out rate_limit_exceeded, in ms. */
  rateLimitWaitMs: number;
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
): Promise<RunReport> {
  const started = Date.now();
  const sends = new SendFixture(client, config);
  const context = { config, client, sends, inbox: new InboxSample(client, config, sends) };
  const results: CheckResult[] = [];
  for (const check of checks) {
    const checkStarted = Date.now();
    const outcome = await runOne(check, context);
    const result = {
      id: check.id,
      stage: check.stage,
      specRef: check.specRef,
      description: check.description,
      outcome,
      durationMs: Date.now() - checkStarted,
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
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results,
  };
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

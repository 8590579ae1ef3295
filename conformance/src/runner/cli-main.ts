// The command: configuration and reachability first (exit 2), then the checks (exit 1 on any
// failure), then the reports.
import { writeFileSync } from "node:fs";
import { allChecks, selectChecks } from "./all-checks.js";
import type { Stage } from "./check.js";
import { ConfigError, parseArguments, USAGE, type RunnerConfig } from "./config.js";
import { McpClient, ServerUnreachable } from "./mcp-client.js";
import { jsonReport } from "./report/json-report.js";
import { junitReport } from "./report/junit-report.js";
import { countOutcomes, verdictLine } from "./report/summary.js";
import { textReport } from "./report/text-report.js";
import { runChecks, type CheckResult } from "./run.js";

export const EXIT = { passed: 0, failed: 1, badConfiguration: 2 } as const;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const consoleOutput: Output = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };

export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  let config: RunnerConfig;
  try {
    config = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(`mcpemails-conformance: ${error.message}\n${USAGE}`);
    return EXIT.badConfiguration;
  }
  const client = new McpClient(config.url, { token: config.token, ...(config.readOnlyToken ? { readOnlyToken: config.readOnlyToken } : {}), ...(config.revokedToken ? { revokedToken: config.revokedToken } : {}) });
  try {
    const problem = await preflight(client, config);
    if (problem !== undefined) {
      output.err(`mcpemails-conformance: ${problem}`);
      return EXIT.badConfiguration;
    }
    const checks = selectChecks(allChecks(), config.only, config.skip);
    if (checks.length === 0) {
      output.err("mcpemails-conformance: --only/--skip select no check");
      return EXIT.badConfiguration;
    }
    const report = await runChecks(config, checks, client, { onResult: config.quiet ? undefined : stageProgress(checks.map((c) => c.stage), output) });
    if (config.reports.json) writeFileSync(config.reports.json, jsonReport(report));
    if (config.reports.junit) writeFileSync(config.reports.junit, junitReport(report));
    output.out(config.quiet ? verdictLine(report) : textReport(report));
    return countOutcomes(report.results).failed > 0 ? EXIT.failed : EXIT.passed;
  } catch (error) {
    if (!(error instanceof ServerUnreachable)) throw error;
    output.err(`mcpemails-conformance: the server cannot be reached: ${error.message}`);
    return EXIT.badConfiguration;
  }
}

/** Whether the runner can test anything at all with this URL, key and inbox. */
async function preflight(client: McpClient, config: RunnerConfig): Promise<string | undefined> {
  const initialized = await client.connect();
  if (initialized.status === 401) return "the server refused --token (HTTP 401)";
  const result = (initialized.json as { result?: unknown } | undefined)?.result;
  if (initialized.status !== 200 || result === undefined) return `initialize at ${config.url} answered HTTP ${initialized.status} without a JSON-RPC result: is this an MCP endpoint?`;
  const listed = await client.callTool("list_inbox", { inbox_id: config.inbox, limit: 1 });
  if (listed.result?.errorCode === "inbox_not_found") return `--inbox ${config.inbox} is not an inbox --token can see (inbox_not_found)`;
  return undefined;
}

/** One line to stderr as each stage finishes, so that a long run shows it is alive. */
function stageProgress(stages: Stage[], output: Output): (result: CheckResult) => void {
  const remaining = new Map<Stage, number>();
  for (const stage of stages) remaining.set(stage, (remaining.get(stage) ?? 0) + 1);
  const done = new Map<Stage, CheckResult[]>();
  return (result) => {
    const results = [...(done.get(result.stage) ?? []), result];
    done.set(result.stage, results);
    if (results.length !== remaining.get(result.stage)) return;
    const counts = countOutcomes(results);
    output.err(`${result.stage}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  };
}

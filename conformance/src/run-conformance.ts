// The runner as a library: runConformance(options) runs the same checks as the CLI and resolves
// with the report the CLI prints and writes. A configuration it cannot run with (a bad option, a
// key the server refuses, an inbox the key cannot see) rejects with ConfigError, an unreachable
// server with ServerUnreachable; a failing server is a report whose failed count is not zero.
import { allChecks, selectChecks } from "./runner/all-checks.js";
import { applyBaseline } from "./runner/baseline.js";
import { ConfigError, resolveConfig, type ConformanceOptions, type RunnerConfig } from "./runner/config.js";
import { McpClient } from "./runner/mcp-client.js";
import { runChecks, type CheckResult, type RunReport } from "./runner/run.js";

export interface RunConformanceOptions extends ConformanceOptions {
  /** Called with each check's verdict as it is reached (progress, live output). */
  onResult?: (result: CheckResult) => void;
}

export interface ConformanceRun {
  report: RunReport;
  /** Ids in the baseline that this run did not run (a stale or mistyped baseline). */
  unknownBaselineIds: string[];
}

export async function runConformance(options: RunConformanceOptions): Promise<RunReport> {
  return (await runConformanceWith(resolveConfig(options), options.onResult)).report;
}

/** runConformance on a checked configuration; the CLI's way in, which also wants the baseline's leftovers. */
export async function runConformanceWith(
  config: RunnerConfig,
  onResult?: (result: CheckResult) => void,
  clock: () => number = Date.now,
): Promise<ConformanceRun> {
  const baseline = config.baseline;
  const checks = selectChecks(allChecks(config.seed), config.only, config.skip);
  if (checks.length === 0) throw new ConfigError("--only/--skip select no check");
  const client = new McpClient(
    config.url,
    {
      token: config.token,
      ...(config.readOnlyToken ? { readOnlyToken: config.readOnlyToken } : {}),
      ...(config.sendOnlyToken ? { sendOnlyToken: config.sendOnlyToken } : {}),
      ...(config.revokedToken ? { revokedToken: config.revokedToken } : {}),
      ...(config.approvalToken ? { approvalToken: config.approvalToken } : {}),
      ...(config.undoToken ? { undoToken: config.undoToken } : {}),
    },
    undefined,
    clock,
  );
  client.maxCalls = config.maxCalls;
  const problem = await preflight(client, config);
  if (problem !== undefined) throw new ConfigError(problem);
  const ran = await runChecks(config, checks, client, onResult ? { onResult } : {}, clock);
  if (baseline === undefined) return { report: ran, unknownBaselineIds: [] };
  return {
    report: { ...ran, results: applyBaseline(ran.results, baseline) },
    unknownBaselineIds: [...baseline].filter((id) => !checks.some((c) => c.id === id)),
  };
}

/** Whether the runner can test anything at all with this URL, key and inbox. */
async function preflight(client: McpClient, config: RunnerConfig): Promise<string | undefined> {
  const initialized = await client.connect();
  if (initialized.status === 401) return "the server refused --token (HTTP 401)";
  const result = (initialized.json as { result?: unknown } | undefined)?.result;
  if (initialized.status !== 200 || result === undefined)
    return `initialize at ${config.url} answered HTTP ${initialized.status} without a JSON-RPC result: is this an MCP endpoint?`;
  const listed = await client.callTool("list_inbox", { inbox_id: config.inbox, limit: 1 });
  if (listed.result?.errorCode === "inbox_not_found")
    return `--inbox ${config.inbox} is not an inbox --token can see (inbox_not_found)`;
  return undefined;
}

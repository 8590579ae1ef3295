// The command: configuration and reachability first (exit 2), then the checks (exit 1 on any
// failure), then the reports.
import { writeFileSync } from "node:fs";
import { allChecks, selectChecks } from "./all-checks.js";
import { applyBaseline, readBaseline } from "./baseline.js";
import { ConfigError, parseArguments, USAGE, type RunnerConfig } from "./config.js";
import { McpClient, ServerUnreachable } from "./mcp-client.js";
import { jsonReport } from "./report/json-report.js";
import { htmlReport } from "./report/html-report.js";
import { junitReport } from "./report/junit-report.js";
import { liveProgress, shouldShowProgress, type ProgressStream } from "./progress.js";
import { countOutcomes, verdictLine } from "./report/summary.js";
import { textReport } from "./report/text-report.js";
import { runChecks } from "./run.js";

export const EXIT = { passed: 0, failed: 1, badConfiguration: 2 } as const;

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Where the live progress line goes, when it is a terminal. */
  progress?: ProgressStream;
}

const consoleOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  progress: process.stderr,
};

export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  let config: RunnerConfig;
  let baseline: Set<string> | undefined;
  try {
    config = parseArguments(argv);
    if (config.baseline !== undefined) baseline = readBaseline(config.baseline);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(`mcpemails-conformance: ${error.message}\n${USAGE}`);
    return EXIT.badConfiguration;
  }
  const client = new McpClient(config.url, {
    token: config.token,
    ...(config.readOnlyToken ? { readOnlyToken: config.readOnlyToken } : {}),
    ...(config.sendOnlyToken ? { sendOnlyToken: config.sendOnlyToken } : {}),
    ...(config.revokedToken ? { revokedToken: config.revokedToken } : {}),
  });
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
    const showProgress =
      output.progress !== undefined && shouldShowProgress(output.progress, config.quiet, process.env);
    const ran = await runChecks(
      config,
      checks,
      client,
      showProgress && output.progress
        ? {
            onResult: liveProgress(
              checks.map((c) => c.stage),
              output.progress,
            ),
          }
        : {},
    );
    const report = baseline === undefined ? ran : { ...ran, results: applyBaseline(ran.results, baseline) };
    const unknown = baseline === undefined ? [] : [...baseline].filter((id) => !checks.some((c) => c.id === id));
    if (unknown.length > 0)
      output.err(`mcpemails-conformance: --baseline names checks this run did not run: ${unknown.join(", ")}`);
    if (config.reports.json) writeFileSync(config.reports.json, jsonReport(report));
    if (config.reports.junit) writeFileSync(config.reports.junit, junitReport(report));
    if (config.reports.html) writeFileSync(config.reports.html, htmlReport(report));
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
  if (initialized.status !== 200 || result === undefined)
    return `initialize at ${config.url} answered HTTP ${initialized.status} without a JSON-RPC result: is this an MCP endpoint?`;
  const listed = await client.callTool("list_inbox", { inbox_id: config.inbox, limit: 1 });
  if (listed.result?.errorCode === "inbox_not_found")
    return `--inbox ${config.inbox} is not an inbox --token can see (inbox_not_found)`;
  return undefined;
}

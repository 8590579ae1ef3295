// The command, a thin front end on runConformance: the command line, then the run, then the
// reports. Exit 2 for a configuration it cannot run with or an unreachable server, 1 when any
// check failed, 0 otherwise; `--help` prints the usage and exits 0.
import { writeFileSync } from "node:fs";
import { runConformanceWith } from "../run-conformance.js";
import { ConfigError, HelpRequested, helpText, parseArguments, type RunnerConfig } from "./config.js";
import { ServerUnreachable } from "./mcp-client.js";
import { htmlReport } from "./report/html-report.js";
import { jsonReport } from "./report/json-report.js";
import { junitReport } from "./report/junit-report.js";
import { countOutcomes, verdictLine } from "./report/summary.js";
import { textReport } from "./report/text-report.js";
import { liveProgress, shouldShowProgress, type ProgressStream } from "./progress.js";
import { allChecks, selectChecks } from "./all-checks.js";

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

/** clock: what the run plans by (tests run the spec's windows on a faster one). */
export async function main(
  argv: readonly string[],
  output: Output = consoleOutput,
  clock: () => number = Date.now,
): Promise<number> {
  let config: RunnerConfig;
  try {
    config = parseArguments(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      output.out(helpText());
      return EXIT.passed;
    }
    if (!(error instanceof ConfigError)) throw error;
    output.err(`mcpemails-conformance: ${error.message}\n${helpText()}`);
    return EXIT.badConfiguration;
  }
  const showProgress = output.progress !== undefined && shouldShowProgress(output.progress, config.quiet, process.env);
  const stages = selectChecks(allChecks(config.seed), config.only, config.skip).map((c) => c.stage);
  try {
    const { report, unknownBaselineIds } = await runConformanceWith(
      config,
      showProgress && output.progress ? liveProgress(stages, output.progress) : undefined,
      clock,
    );
    if (unknownBaselineIds.length > 0)
      output.err(
        `mcpemails-conformance: --baseline names checks this run did not run: ${unknownBaselineIds.join(", ")}`,
      );
    if (config.reports.json) writeFileSync(config.reports.json, jsonReport(report));
    if (config.reports.junit) writeFileSync(config.reports.junit, junitReport(report));
    if (config.reports.html) writeFileSync(config.reports.html, htmlReport(report));
    output.out(config.quiet ? verdictLine(report) : textReport(report));
    return countOutcomes(report.results).failed > 0 ? EXIT.failed : EXIT.passed;
  } catch (error) {
    if (error instanceof ConfigError) {
      output.err(`mcpemails-conformance: ${error.message}`);
      return EXIT.badConfiguration;
    }
    if (!(error instanceof ServerUnreachable)) throw error;
    output.err(`mcpemails-conformance: the server cannot be reached: ${error.message}`);
    return EXIT.badConfiguration;
  }
}

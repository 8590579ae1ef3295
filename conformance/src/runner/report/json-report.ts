// The machine-readable report: each check with its id, name, status, spec reference and details.
import { curlCommand } from "../exchange.js";
import type { RunReport } from "../run.js";
import { findings } from "./findings.js";
import { countOutcomes } from "./summary.js";

/** The failures by rule: the checks that break it, its section of the reference, and the check that reproduces it best. */
function findingsByRule(report: RunReport) {
  return findings(report.results).map((finding) => ({
    rule: finding.rule,
    section: finding.section,
    checks: finding.failures.map((f) => f.id),
    reproducer: finding.reproducer.id,
  }));
}

export function jsonReport(report: RunReport): string {
  const checks = report.results.map((result) => {
    const { outcome } = result;
    const base = {
      id: result.id,
      stage: result.stage,
      name: result.description,
      specRef: result.specRef,
      status: outcome.status,
      durationMs: result.durationMs,
      toolCalls: result.toolCalls,
    };
    if (outcome.status === "passed") return { ...base, details: outcome.details ?? null };
    if (outcome.status === "skipped") return { ...base, details: { reason: outcome.reason } };
    return {
      ...base,
      details: {
        message: outcome.message,
        seed: report.seed,
        ...(outcome.counterexample === undefined ? {} : { counterexample: outcome.counterexample, runs: outcome.runs }),
        ...(outcome.exchange
          ? {
              request: outcome.exchange.request,
              response: outcome.exchange.response,
              reproduce: curlCommand(outcome.exchange.request),
            }
          : {}),
      },
    };
  });
  return `${JSON.stringify({ url: report.url, seed: report.seed, runs: report.runs, startedAt: report.startedAt, durationMs: report.durationMs, toolCalls: report.toolCalls, rateLimitWaitMs: report.rateLimitWaitMs, limits: report.limits, counts: countOutcomes(report.results), findings: findingsByRule(report), checks }, null, 2)}\n`;
}

// The counts and the verdict line. Skipped checks are counted apart from passed ones, and a run
// that skipped most of its checks says it proves little.
import type { RunReport } from "../run.js";

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export function countOutcomes(results: RunReport["results"]): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const { outcome } of results) counts[outcome.status]++;
  return counts;
}

/** The time rate limits cost the run, when they cost any. */
function waited(report: RunReport): string {
  return report.rateLimitWaitMs > 0 ? `, ${(report.rateLimitWaitMs / 1000).toFixed(0)} s waiting out rate limits` : "";
}

/** What the run plan cut to fit the server's rate limits, when it cut anything. */
function planCuts(report: RunReport): string {
  const { seen, propertyRunsCut, checksCut, timeBudgetSeconds } = report.limits;
  if (propertyRunsCut === 0 && checksCut === 0) return "";
  const cuts = [
    ...(propertyRunsCut > 0 ? [`${propertyRunsCut} property runs`] : []),
    ...(checksCut > 0
      ? [`${checksCut} optional checks (the other boundary cases of rules checked once, reading every listed message)`]
      : []),
  ];
  return `. To fit the rate limit the server showed (${seen}) into ${timeBudgetSeconds} s, the run left out ${cuts.join(" and ")}; raise the key's limits or --time-budget for a fuller run`;
}

export function verdictLine(report: RunReport): string {
  const { passed, failed, skipped } = countOutcomes(report.results);
  const total = passed + failed + skipped;
  const verdict = failed > 0 ? "FAIL" : "PASS";
  const seconds = (report.durationMs / 1000).toFixed(1);
  const line = `${verdict}: ${passed} passed, ${failed} failed, ${skipped} skipped of ${total} checks in ${seconds} s (seed ${report.seed}, ${report.runs} runs per property, ${report.toolCalls} tools/call${waited(report)})${planCuts(report)}`;
  // Checks the plan left out were not short of data: they do not make a run say little.
  const wanting = report.results.filter((r) => r.outcome.status === "skipped" && r.outcome.cutByPlan !== true).length;
  if (total > 0 && wanting * 2 > total)
    return `${line}. Most checks were skipped, so this run says little about the server: see the reasons above.`;
  return line;
}

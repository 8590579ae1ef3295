// The end-of-run text: the failures by the rule they break, each rule with its section of the
// reference, every failing check's message and one reproducer in full (with a curl command that
// repeats it); then the skipped checks with their reasons, a table by stage and the verdict line.
import { STAGES } from "../check.js";
import { curlCommand } from "../exchange.js";
import type { RunReport } from "../run.js";
import { findings } from "./findings.js";
import { countOutcomes, verdictLine } from "./summary.js";

export function textReport(report: RunReport): string {
  const lines: string[] = [];
  for (const finding of findings(report.results)) {
    const count = finding.failures.length;
    lines.push(`FAILED rule ${finding.rule}  (${count} check${count === 1 ? "" : "s"}; see ${finding.section})`);
    for (const { id, outcome } of finding.failures) lines.push(`  ${id}: ${outcome.message}`);
    const { id, description, outcome } = finding.reproducer;
    lines.push(`  reproducer (${id}: ${description}):`);
    if (outcome.counterexample !== undefined)
      lines.push(`    counterexample: ${JSON.stringify(outcome.counterexample)}`);
    if (outcome.exchange) {
      lines.push(`    request: ${outcome.exchange.request.body}`);
      const response = outcome.exchange.response;
      lines.push(
        "networkError" in response
          ? `    response: ${response.networkError}`
          : `    response: HTTP ${response.status} ${response.body}`,
      );
      lines.push(`    reproduce: ${curlCommand(outcome.exchange.request)}`);
    }
    lines.push("");
  }
  const skippedReasons = new Map<string, string[]>();
  for (const result of report.results) {
    if (result.outcome.status !== "skipped") continue;
    skippedReasons.set(result.outcome.reason, [...(skippedReasons.get(result.outcome.reason) ?? []), result.id]);
  }
  for (const [reason, ids] of skippedReasons)
    lines.push(
      `SKIPPED ${ids.length === 1 ? ids[0] : `${ids.length} checks (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", ..." : ""})`}: ${reason}`,
    );
  if (skippedReasons.size > 0) lines.push("");
  lines.push(stageTable(report), "", verdictLine(report));
  return lines.join("\n");
}

export function stageTable(report: RunReport): string {
  const rows = [["stage", "passed", "failed", "skipped", "seconds"]];
  for (const stage of STAGES) {
    const results = report.results.filter((r) => r.stage === stage);
    if (results.length === 0) continue;
    const counts = countOutcomes(results);
    const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    rows.push([stage, String(counts.passed), String(counts.failed), String(counts.skipped), seconds.toFixed(1)]);
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join("  "),
    )
    .join("\n");
}

// JUnit XML for CI: one testsuite per stage, one testcase per check; skipped is <skipped/>.
import { STAGES } from "../check.js";
import { curlCommand } from "../exchange.js";
import type { RunReport } from "../run.js";
import { countOutcomes } from "./summary.js";

export function junitReport(report: RunReport): string {
  const suites = STAGES.map((stage) => {
    const results = report.results.filter((r) => r.stage === stage);
    if (results.length === 0) return "";
    const counts = countOutcomes(results);
    const seconds = (ms: number) => (ms / 1000).toFixed(3);
    const cases = results.map((result) => {
      const open = `    <testcase classname="${xml(`conformance.${stage}`)}" name="${xml(result.id)}" time="${seconds(result.durationMs)}">`;
      const { outcome } = result;
      if (outcome.status === "passed") return `${open}</testcase>`;
      if (outcome.status === "skipped")
        return `${open}\n      <skipped message="${xml(outcome.reason)}"/>\n    </testcase>`;
      const body = [
        `spec: ${result.specRef}`,
        `seed: ${report.seed}`,
        ...(outcome.counterexample === undefined ? [] : [`counterexample: ${JSON.stringify(outcome.counterexample)}`]),
        ...(outcome.exchange
          ? [
              `request: ${outcome.exchange.request.body}`,
              `response: ${JSON.stringify(outcome.exchange.response)}`,
              `reproduce: ${curlCommand(outcome.exchange.request)}`,
            ]
          : []),
      ].join("\n");
      return `${open}\n      <failure message="${xml(outcome.message)}">${xml(body)}</failure>\n    </testcase>`;
    });
    const time = seconds(results.reduce((sum, r) => sum + r.durationMs, 0));
    return `  <testsuite name="${stage}" tests="${results.length}" failures="${counts.failed}" skipped="${counts.skipped}" errors="0" time="${time}">\n${cases.join("\n")}\n  </testsuite>`;
  }).filter((suite) => suite !== "");
  const counts = countOutcomes(report.results);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mcpemails-conformance" tests="${report.results.length}" failures="${counts.failed}" skipped="${counts.skipped}" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join("\n")}\n</testsuites>\n`;
}

function xml(text: string): string {
  // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  const withoutControls = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "\uFFFD");
  return withoutControls.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

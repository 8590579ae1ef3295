// One self-contained HTML file a person opens in a browser: the table by stage, the rules broken
// (each with its section of the reference, its checks and the one to reproduce it by), then every
// failure in full (request, response, counterexample, seed, a curl that repeats it), then the
// skipped checks with their reasons. No script and no external resource, so it opens anywhere.
import { STAGES } from "../check.js";
import { curlCommand } from "../exchange.js";
import type { RunReport } from "../run.js";
import { findings } from "./findings.js";
import { countOutcomes, verdictLine } from "./summary.js";

export function htmlReport(report: RunReport): string {
  const counts = countOutcomes(report.results);
  const rows = STAGES.flatMap((stage) => {
    const results = report.results.filter((r) => r.stage === stage);
    if (results.length === 0) return [];
    const c = countOutcomes(results);
    const seconds = (results.reduce((sum, r) => sum + r.durationMs, 0) / 1000).toFixed(1);
    return [
      `<tr><td>${stage}</td><td>${c.passed}</td><td class="${c.failed > 0 ? "bad" : ""}">${c.failed}</td><td>${c.skipped}</td><td>${seconds}</td></tr>`,
    ];
  });
  const failures = report.results.flatMap((result) => {
    const { outcome } = result;
    if (outcome.status !== "failed") return [];
    const parts = [
      `<h3 id="${escape(result.id)}">${escape(result.id)}</h3>`,
      `<p>${escape(result.description)}<br><small>spec: ${escape(result.specRef)} · seed ${report.seed}</small></p>`,
      `<p class="bad">${escape(outcome.message)}</p>`,
    ];
    if (outcome.counterexample !== undefined)
      parts.push(block("counterexample (shrunk)", JSON.stringify(outcome.counterexample, null, 2)));
    if (outcome.exchange) {
      const { request, response } = outcome.exchange;
      parts.push(
        block(
          "request",
          `POST ${request.url}\n${Object.entries(request.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\n")}\n\n${pretty(request.body)}`,
        ),
      );
      parts.push(
        block(
          "response",
          "networkError" in response
            ? response.networkError
            : `HTTP ${response.status}\n${Object.entries(response.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join("\n")}\n\n${pretty(response.body)}`,
        ),
      );
      parts.push(block("reproduce", curlCommand(request)));
    }
    return [`<section class="failure">${parts.join("\n")}</section>`];
  });
  const link = (id: string) => `<a href="#${escape(id)}">${escape(id)}</a>`;
  const ruleRows = findings(report.results).map(
    (f) =>
      `<tr><td>${escape(f.rule)}<br><small>${escape(f.section)}</small></td><td>${f.failures.map((x) => link(x.id)).join("<br>")}</td><td>${link(f.reproducer.id)}</td></tr>`,
  );
  const skippedRows = report.results.flatMap((r) =>
    r.outcome.status === "skipped" ? [`<tr><td>${escape(r.id)}</td><td>${escape(r.outcome.reason)}</td></tr>`] : [],
  );
  const passedRows = report.results.flatMap((r) =>
    r.outcome.status === "passed"
      ? [
          `<tr><td>${escape(r.id)}</td><td>${escape(r.description)}</td><td>${escape(r.outcome.details ?? "")}</td></tr>`,
        ]
      : [],
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MCPEmails conformance: ${counts.failed > 0 ? "FAIL" : "PASS"} ${escape(report.url)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}
.bad{color:#b00020;font-weight:600}pre{background:#f5f5f5;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
section.failure{border-left:4px solid #b00020;padding-left:1rem;margin:1.5rem 0}
</style></head><body>
<h1>MCPEmails conformance</h1>
<p>${escape(report.url)} · started ${escape(report.startedAt)} · seed ${report.seed} · ${report.runs} runs per property</p>
<p class="${counts.failed > 0 ? "bad" : ""}">${escape(verdictLine(report))}</p>
<table><tr><th>stage</th><th>passed</th><th>failed</th><th>skipped</th><th>seconds</th></tr>
${rows.join("\n")}
</table>
<h2>Rules broken (${ruleRows.length})</h2>
${ruleRows.length === 0 ? "<p>None.</p>" : `<table><tr><th>rule</th><th>failing checks</th><th>reproduce by</th></tr>\n${ruleRows.join("\n")}\n</table>`}
<h2>Failures (${counts.failed})</h2>
${failures.join("\n") || "<p>None.</p>"}
<h2>Skipped (${counts.skipped})</h2>
${skippedRows.length === 0 ? "<p>None.</p>" : `<table><tr><th>check</th><th>reason</th></tr>\n${skippedRows.join("\n")}\n</table>`}
<details><summary>Passed (${counts.passed})</summary>
<table><tr><th>check</th><th>rule</th><th>details</th></tr>
${passedRows.join("\n")}
</table></details>
</body></html>
`;
}

function block(title: string, text: string): string {
  return `<h4>${title}</h4><pre>${escape(text)}</pre>`;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// Failures as a person acts on them: grouped by the rule they break (the checks' spec reference),
// each rule with the section of the generated reference that states it and one reproducer, the
// failure with the smallest request (a property's is already shrunk).
import type { Failure } from "../check.js";
import type { CheckResult } from "../run.js";

export interface Finding {
  rule: string;
  /** Where the rule is written up: an anchor of generated/docs/REFERENCE.md. */
  section: string;
  failures: (CheckResult & { outcome: Failure })[];
  reproducer: CheckResult & { outcome: Failure };
}

export function findings(results: readonly CheckResult[]): Finding[] {
  const byRule = new Map<string, (CheckResult & { outcome: Failure })[]>();
  for (const result of results) {
    if (result.outcome.status !== "failed") continue;
    const failed = result as CheckResult & { outcome: Failure };
    byRule.set(result.specRef, [...(byRule.get(result.specRef) ?? []), failed]);
  }
  return [...byRule].map(([rule, failures]) => ({
    rule,
    section: referenceSection(rule),
    failures,
    reproducer: smallest(failures),
  }));
}

/** The failure easiest to repeat by hand: one with a recorded request, the shortest. */
function smallest(failures: (CheckResult & { outcome: Failure })[]): CheckResult & { outcome: Failure } {
  const size = (f: CheckResult & { outcome: Failure }) => f.outcome.exchange?.request.body.length ?? Infinity;
  return failures.reduce((best, f) => (size(f) < size(best) ? f : best));
}

/** The REFERENCE.md anchor for a spec reference such as "tools.list_inbox.input: limit maximum". */
export function referenceSection(specRef: string): string {
  const path = specRef.split(/[,:\s]/)[0] ?? "";
  const [area, name, part] = path.split(".");
  const anchor = (() => {
    if (area === "tools" && name !== undefined && name !== "<tool>") {
      const subsection =
        part === "input" ? "-parameters" : part === "output" ? "-output" : part === "errors" ? "-errors" : "";
      return `tool-${name}${subsection}`;
    }
    if (area === "tools") return "tools";
    if (area === "errors" && name !== undefined) return `error-${name}`;
    if (area === "errors") return "execution-errors";
    if (area === "protocol_errors" && name !== undefined) return `protocol-error-${name}`;
    if (area === "protocol_errors") return "protocol-errors";
    if (area === "decisions" && name !== undefined) return `decision-${name}`;
    if (area === "rate_limits") return "rate-limits";
    if (area === "search") return "search";
    if (area === "limits") return "limits";
    return "endpoint";
  })();
  return `generated/docs/REFERENCE.md#${anchor}`;
}

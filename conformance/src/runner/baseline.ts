// --baseline FILE: the failures a team already knows about. A baselined check that fails is
// reported as skipped with its failure in the reason, so the run can pass; one that passes now
// fails as stale, so the baseline shrinks as the server improves instead of hiding regressions.
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";
import type { CheckResult } from "./run.js";

/** The check ids of a baseline file: a JSON array of ids, a JSON report of an earlier run (its failed checks), or one id a line. */
export function readBaseline(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`--baseline ${file} cannot be read: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new ConfigError(`--baseline ${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed) && parsed.every((id) => typeof id === "string")) return new Set(parsed);
    const checks = (parsed as { checks?: { id?: unknown; status?: unknown }[] }).checks;
    if (Array.isArray(checks))
      return new Set(
        checks.filter((c) => c.status === "failed" && typeof c.id === "string").map((c) => c.id as string),
      );
    throw new ConfigError(`--baseline ${file}: expected a JSON array of check ids or a JSON report`);
  }
  return new Set(
    trimmed
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*/, "").trim())
      .filter((line) => line !== ""),
  );
}

export function applyBaseline(results: CheckResult[], baseline: ReadonlySet<string>): CheckResult[] {
  return results.map((result) => {
    if (!baseline.has(result.id)) return result;
    const { outcome } = result;
    if (outcome.status === "failed")
      return { ...result, outcome: { status: "skipped", reason: `expected failure (--baseline): ${outcome.message}` } };
    if (outcome.status === "passed")
      return {
        ...result,
        outcome: {
          status: "failed",
          message: "stale baseline entry: this check passes now; remove it from the --baseline file",
        },
      };
    return result;
  });
}

// The expected-failures file and the verdict on a run of the official suite. A check fails when its
// status is FAILURE or WARNING, as in the suite's own --expected-failures baseline; an entry names a
// whole scenario or one check (`scenario:check-id`), and every entry carries its reason.
import { readFileSync } from "node:fs";
import type { Check, CheckStatus, ScenarioRun } from "./official-suite.js";

export const KINDS = {
  "not-applicable": "asks for something a tools-only email server with API keys does not have",
  "pending-2026-07-28": "expected to pass once the server serves MCP 2026-07-28 in full",
  "server-gap": "the server should change",
} as const;
export type Kind = keyof typeof KINDS;

export interface ExpectedFailure {
  /** `scenario` (every check may fail) or `scenario:check-id` (that check only). */
  entry: string;
  kind: Kind;
  reason: string;
  /** The runs it applies to (a revision, or "extension"); every run of the scenario when absent. */
  revisions?: string[];
}

export function loadExpectedFailures(path: string): ExpectedFailure[] {
  const file = JSON.parse(readFileSync(path, "utf8")) as { expectedFailures?: unknown };
  if (!Array.isArray(file.expectedFailures)) throw new Error(`${path}: expectedFailures must be an array`);
  return file.expectedFailures as ExpectedFailure[];
}

const split = (entry: string) => {
  const colon = entry.indexOf(":");
  return colon === -1
    ? { scenario: entry, checkId: undefined }
    : { scenario: entry.slice(0, colon), checkId: entry.slice(colon + 1) };
};

/** What is wrong with the file itself, whatever the run: each problem as one line. */
export function fileProblems(entries: ExpectedFailure[], knownScenarios: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const whole = new Set(entries.filter((e) => !e.entry.includes(":")).map((e) => e.entry));
  for (const e of entries) {
    const label = JSON.stringify(e.entry);
    const { scenario, checkId } = split(String(e.entry));
    if (!knownScenarios.includes(scenario)) problems.push(`${label}: the suite has no server scenario ${scenario}`);
    if (checkId === "") problems.push(`${label}: no check id after the colon`);
    if (checkId !== undefined && whole.has(scenario))
      problems.push(`${label}: ${scenario} is listed whole as well; keep one of them`);
    if (seen.has(e.entry)) problems.push(`${label}: listed twice`);
    seen.add(e.entry);
    if (!(e.kind in KINDS)) problems.push(`${label}: kind must be one of ${Object.keys(KINDS).join(", ")}`);
    if (typeof e.reason !== "string" || e.reason.trim().length < 20)
      problems.push(`${label}: needs a reason that says why it fails (20 characters at least)`);
    else if (e.kind === "pending-2026-07-28" && !e.reason.startsWith("pending:"))
      problems.push(`${label}: a pending entry's reason starts with "pending:"`);
    if (e.revisions !== undefined && (!Array.isArray(e.revisions) || e.revisions.length === 0))
      problems.push(`${label}: revisions, when given, lists at least one`);
  }
  return problems;
}

const SEVERITY: CheckStatus[] = ["FAILURE", "WARNING", "SUCCESS", "SKIPPED", "INFO"];
const failing = (status: CheckStatus) => status === "FAILURE" || status === "WARNING";

/** A check id may occur several times in a scenario; the most severe occurrence is its verdict. */
function verdicts(checks: Check[]): Map<string, Check> {
  const byId = new Map<string, Check>();
  for (const check of checks) {
    const known = byId.get(check.id);
    if (!known || SEVERITY.indexOf(check.status) < SEVERITY.indexOf(known.status)) byId.set(check.id, check);
  }
  return byId;
}

export interface RunVerdict {
  run: ScenarioRun;
  /** Failing checks no entry expects. */
  unexpected: Check[];
  /** Failing checks with the entry that expects them. */
  expected: { check: Check; failure: ExpectedFailure }[];
  /** Entries that apply to this run and were not borne out by it: the scenario or check passed. */
  stale: ExpectedFailure[];
}

export interface Verdict {
  runs: RunVerdict[];
  /** Entries that matched no failing check in any run. */
  neverFailed: ExpectedFailure[];
  ok: boolean;
}

const applies = (failure: ExpectedFailure, run: ScenarioRun) =>
  split(failure.entry).scenario === run.scenario &&
  (failure.revisions === undefined || failure.revisions.includes(run.revision));

export function judge(runs: ScenarioRun[], entries: ExpectedFailure[]): Verdict {
  const used = new Set<ExpectedFailure>();
  const judged = runs.map((run): RunVerdict => {
    const mine = entries.filter((e) => applies(e, run));
    const whole = mine.find((e) => split(e.entry).checkId === undefined);
    const byCheck = new Map(mine.flatMap((e) => (split(e.entry).checkId ? [[split(e.entry).checkId, e]] : [])));
    const checks = [...verdicts(run.checks).values()];
    const verdict: RunVerdict = { run, unexpected: [], expected: [], stale: [] };
    for (const check of checks.filter((c) => failing(c.status))) {
      const failure = whole ?? byCheck.get(check.id);
      if (failure) {
        verdict.expected.push({ check, failure });
        used.add(failure);
      } else verdict.unexpected.push(check);
    }
    if (whole && verdict.expected.length === 0) verdict.stale.push(whole);
    for (const [id, failure] of byCheck)
      if (checks.find((c) => c.id === id)?.status === "SUCCESS") verdict.stale.push(failure);
    return verdict;
  });
  const neverFailed = entries.filter((e) => !used.has(e));
  return {
    runs: judged,
    neverFailed,
    ok: neverFailed.length === 0 && judged.every((r) => r.unexpected.length === 0 && r.stale.length === 0),
  };
}

/** What the test prints when the run and the file disagree. */
export function disagreements(verdict: Verdict): string[] {
  const lines: string[] = [];
  for (const { run, unexpected, stale } of verdict.runs) {
    for (const check of unexpected)
      lines.push(
        `UNEXPECTED FAILURE ${run.revision} ${run.scenario}:${check.id} (${check.status}): ${check.errorMessage ?? JSON.stringify(check.details ?? null)}`,
      );
    for (const failure of stale)
      lines.push(`STALE ${run.revision} ${failure.entry}: passes now; remove it from the expected failures`);
  }
  for (const failure of verdict.neverFailed)
    lines.push(`STALE ${failure.entry}: failed in no run; remove it from the expected failures (or fix its revisions)`);
  return lines;
}

const count = (checks: Check[], status: CheckStatus) => checks.filter((c) => c.status === status).length;

/** The results as Markdown: one row per scenario and revision, then each failing check with its reason. */
export function resultsTable(verdict: Verdict, title: string): string {
  const rows = verdict.runs.map(({ run, unexpected, expected, stale }) => {
    const state =
      unexpected.length > 0
        ? "UNEXPECTED FAILURE"
        : stale.length > 0
          ? "STALE EXPECTATION"
          : expected.length > 0
            ? `expected failure (${[...new Set(expected.map((e) => e.failure.kind))].join(", ")})`
            : "pass";
    const c = run.checks;
    return `| ${run.scenario} | ${run.revision} | ${count(c, "SUCCESS")} | ${count(c, "FAILURE")} | ${count(c, "WARNING")} | ${count(c, "SKIPPED")} | ${state} |`;
  });
  const all = verdict.runs.flatMap((r) => r.run.checks);
  const seenIn = new Map<ExpectedFailure, Set<string>>();
  for (const { run, expected } of verdict.runs)
    for (const { failure } of expected) seenIn.set(failure, (seenIn.get(failure) ?? new Set()).add(run.revision));
  const failures = [
    ...[...seenIn].map(([f, revisions]) => `- \`${f.entry}\` (${[...revisions].join(", ")}), ${f.kind}: ${f.reason}`),
    ...verdict.runs.flatMap(({ run, unexpected }) =>
      unexpected.map((check) => `- \`${run.scenario}:${check.id}\` (${run.revision}), UNEXPECTED (${check.status})`),
    ),
  ];
  return [
    `## ${title}`,
    "",
    "| scenario | revision | passed | failed | warnings | skipped | result |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    `| **total: ${verdict.runs.length} runs** | | ${count(all, "SUCCESS")} | ${count(all, "FAILURE")} | ${count(all, "WARNING")} | ${count(all, "SKIPPED")} | ${verdict.ok ? "matches the expected failures" : "DOES NOT MATCH"} |`,
    "",
    "Failures, each with its entry in the expected-failures file:",
    "",
    ...failures,
    "",
  ].join("\n");
}

// The verdict on a run of the official suite, on made-up runs: a new failure, an expected failure
// that passes and an entry that fails nowhere each make the verdict fail.
import { describe, expect, it } from "vitest";
import { disagreements, fileProblems, judge, resultsTable, type ExpectedFailure } from "./expectations.js";
import type { Check, CheckStatus, ScenarioRun } from "./official-suite.js";

const check = (id: string, status: CheckStatus): Check => ({ id, status, errorMessage: `${id} said ${status}` });
const run = (scenario: string, revision: string, ...checks: Check[]): ScenarioRun => ({ scenario, revision, checks });
const reason = "calls a fixture tool the email server does not have";

describe("judge", () => {
  const runs = [
    run("tools-list", "2026-07-28", check("tools-list", "SUCCESS")),
    run("tools-call-simple-text", "2026-07-28", check("tools-call-simple-text", "FAILURE")),
    run("caching", "2026-07-28", check("tools-hints", "SUCCESS"), check("prompts-hints", "FAILURE")),
  ];
  const entries: ExpectedFailure[] = [
    { entry: "tools-call-simple-text", kind: "not-applicable", reason },
    { entry: "caching:prompts-hints", kind: "not-applicable", reason },
  ];

  it("accepts failures that are all expected, each entry borne out", () => {
    const verdict = judge(runs, entries);
    expect(disagreements(verdict)).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(resultsTable(verdict, "t")).toContain(
      "| caching | 2026-07-28 | 1 | 1 | 0 | 0 | expected failure (not-applicable) |",
    );
  });

  it("reports a failing check no entry expects, a warning included", () => {
    const verdict = judge(
      [...runs, run("ping", "2025-11-25", check("ping", "SUCCESS"), check("ping-latency", "WARNING"))],
      entries,
    );
    expect(verdict.ok).toBe(false);
    expect(disagreements(verdict)).toEqual([
      "UNEXPECTED FAILURE 2025-11-25 ping:ping-latency (WARNING): ping-latency said WARNING",
    ]);
  });

  it("reports a whole-scenario entry whose scenario passes now, and a per-check entry whose check passes", () => {
    const fixed = [
      run("tools-list", "2026-07-28", check("tools-list", "SUCCESS")),
      run("tools-call-simple-text", "2026-07-28", check("tools-call-simple-text", "SUCCESS")),
      run("caching", "2026-07-28", check("tools-hints", "SUCCESS"), check("prompts-hints", "SUCCESS")),
    ];
    const lines = disagreements(judge(fixed, entries));
    expect(lines).toContain(
      "STALE 2026-07-28 tools-call-simple-text: passes now; remove it from the expected failures",
    );
    expect(lines).toContain("STALE 2026-07-28 caching:prompts-hints: passes now; remove it from the expected failures");
  });

  it("takes a check's most severe occurrence as its verdict", () => {
    const twice = [run("caching", "2026-07-28", check("prompts-hints", "SUCCESS"), check("prompts-hints", "FAILURE"))];
    expect(judge(twice, [entries[1] as ExpectedFailure]).ok).toBe(true);
  });

  it("reports an entry that failed in no run, even when its check never ran, and keeps revisions apart", () => {
    const onlyOld: ExpectedFailure = { ...(entries[0] as ExpectedFailure), revisions: ["2025-11-25"] };
    const verdict = judge(runs, [onlyOld, entries[1] as ExpectedFailure]);
    expect(disagreements(verdict)).toEqual([
      "UNEXPECTED FAILURE 2026-07-28 tools-call-simple-text:tools-call-simple-text (FAILURE): tools-call-simple-text said FAILURE",
      "STALE tools-call-simple-text: failed in no run; remove it from the expected failures (or fix its revisions)",
    ]);
  });
});

describe("fileProblems", () => {
  it("wants a known scenario, a kind, a reason, 'pending:' on pending entries, and no entry twice", () => {
    const problems = fileProblems(
      [
        { entry: "tools-list", kind: "not-applicable", reason: "short" },
        { entry: "no-such-scenario", kind: "not-applicable", reason },
        { entry: "caching:x", kind: "pending-2026-07-28", reason },
        { entry: "caching", kind: "server-gap", reason },
        { entry: "caching", kind: "server-gap", reason },
        { entry: "ping", kind: "unsure" as never, reason },
      ],
      ["tools-list", "caching", "ping"],
    );
    expect(problems).toEqual([
      '"tools-list": needs a reason that says why it fails (20 characters at least)',
      '"no-such-scenario": the suite has no server scenario no-such-scenario',
      '"caching:x": caching is listed whole as well; keep one of them',
      '"caching:x": a pending entry\'s reason starts with "pending:"',
      '"caching": listed twice',
      '"ping": kind must be one of not-applicable, pending-2026-07-28, server-gap',
    ]);
  });
});

// A baseline lists known failures: they stop failing the run but stay visible, and an entry whose
// check passes now is itself a failure, so the list only ever shrinks.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyBaseline, readBaseline } from "./baseline.js";
import { ConfigError } from "./config.js";
import type { CheckResult } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "baseline-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (text: string) => {
  const path = join(dir, `b-${Math.random()}`);
  writeFileSync(path, text);
  return path;
};

describe("readBaseline", () => {
  it("reads one id a line with # comments, a JSON list, or the failed checks of a JSON report", () => {
    expect([...readBaseline(file("a.b  # why\n\n# note\nc.d\n"))]).toEqual(["a.b", "c.d"]);
    expect([...readBaseline(file('["x.y"]'))]).toEqual(["x.y"]);
    expect([
      ...readBaseline(
        file(
          JSON.stringify({
            checks: [
              { id: "p", status: "failed" },
              { id: "q", status: "passed" },
            ],
          }),
        ),
      ),
    ]).toEqual(["p"]);
  });

  it("refuses a file it cannot read or understand, as bad configuration", () => {
    expect(() => readBaseline(join(dir, "missing"))).toThrow(ConfigError);
    expect(() => readBaseline(file("[1, 2]"))).toThrow(/expected a JSON array of check ids/);
    expect(() => readBaseline(file("{ not json"))).toThrow(/not valid JSON/);
  });
});

describe("applyBaseline", () => {
  const base = { stage: "protocol", specRef: "", description: "", durationMs: 0, toolCalls: 0 } as const;
  it("turns a baselined failure into a skip that keeps its message, and a baselined pass into a stale failure", () => {
    const results: CheckResult[] = [
      { ...base, id: "known", outcome: { status: "failed", message: "HTTP 200" } },
      { ...base, id: "fixed", outcome: { status: "passed" } },
      { ...base, id: "new", outcome: { status: "failed", message: "new bug" } },
    ];
    expect(applyBaseline(results, new Set(["known", "fixed"])).map((r) => r.outcome)).toEqual([
      { status: "skipped", reason: "expected failure (--baseline): HTTP 200" },
      { status: "failed", message: "stale baseline entry: this check passes now; remove it from the --baseline file" },
      { status: "failed", message: "new bug" },
    ]);
  });
});

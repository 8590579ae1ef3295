// The live line: only on a terminal, never in CI or with --quiet; rewritten in place within a
// stage and left standing, with its counts, when the stage is done.
import { describe, expect, it } from "vitest";
import type { CheckResult } from "./run.js";
import { liveProgress, shouldShowProgress } from "./progress.js";

const result = (id: string, stage: CheckResult["stage"], status: "passed" | "failed"): CheckResult => ({
  id,
  stage,
  specRef: "",
  description: "",
  durationMs: 1,
  toolCalls: 1,
  outcome: status === "passed" ? { status } : { status, message: "broken" },
});

describe("progress", () => {
  it("shows only on a terminal, outside CI, without --quiet", () => {
    expect(shouldShowProgress({ isTTY: true, write: () => true }, false, {})).toBe(true);
    expect(shouldShowProgress({ isTTY: false, write: () => true }, false, {})).toBe(false);
    expect(shouldShowProgress({ isTTY: true, write: () => true }, true, {})).toBe(false);
    expect(shouldShowProgress({ isTTY: true, write: () => true }, false, { CI: "true" })).toBe(false);
  });

  it("rewrites one line per stage, with the time the run has left at its pace so far, and ends it when the stage's last check is done", () => {
    const written: string[] = [];
    let clock = 0;
    const onResult = liveProgress(
      ["protocol", "protocol", "auth"],
      { isTTY: true, write: (text) => written.push(text) },
      // Each check takes 4 s of this clock.
      () => (clock += 4_000) - 4_000,
    );
    onResult(result("protocol.ping", "protocol", "passed"));
    onResult(result("protocol.batch", "protocol", "failed"));
    onResult(result("auth.no-key", "auth", "passed"));
    expect(written).toEqual([
      "\r\x1b[2Kprotocol: 1/2  1 passed, 0 failed, 0 skipped  (protocol.ping; about 8 s left in the run)",
      "\r\x1b[2Kprotocol: 2/2  1 passed, 1 failed, 0 skipped\n",
      "\r\x1b[2Kauth: 1/1  1 passed, 0 failed, 0 skipped\n",
    ]);
  });
});

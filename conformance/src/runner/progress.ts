// A live line per stage on a terminal: rewritten in place as checks finish, left standing when the
// stage ends. Nothing at all when the output is not a terminal, in CI, or with --quiet, where a
// rewritten line would only clutter a log.
import type { Stage } from "./check.js";
import type { CheckResult } from "./run.js";
import { countOutcomes } from "./report/summary.js";

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function shouldShowProgress(stream: ProgressStream, quiet: boolean, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !quiet && !env.CI;
}

export function liveProgress(
  stages: Stage[],
  stream: ProgressStream,
  now: () => number = Date.now,
): (result: CheckResult) => void {
  const totals = new Map<Stage, number>();
  for (const stage of stages) totals.set(stage, (totals.get(stage) ?? 0) + 1);
  const done = new Map<Stage, CheckResult[]>();
  const started = now();
  let doneOverall = 0;
  return (result) => {
    const results = [...(done.get(result.stage) ?? []), result];
    done.set(result.stage, results);
    doneOverall++;
    const total = totals.get(result.stage) ?? results.length;
    const c = countOutcomes(results);
    const finished = results.length === total;
    // The checks so far, at their pace (rate-limit waits included), for the ones still to run.
    const left = Math.ceil((((now() - started) / doneOverall) * (stages.length - doneOverall)) / 1000);
    // \r and "erase line" rewrite the stage's line in place until it is finished.
    stream.write(
      `\r\x1b[2K${result.stage}: ${results.length}/${total}  ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${finished ? "\n" : `  (${result.id}; about ${left} s left in the run)`}`,
    );
  };
}

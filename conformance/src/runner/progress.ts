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

export function liveProgress(stages: Stage[], stream: ProgressStream): (result: CheckResult) => void {
  const totals = new Map<Stage, number>();
  for (const stage of stages) totals.set(stage, (totals.get(stage) ?? 0) + 1);
  const done = new Map<Stage, CheckResult[]>();
  return (result) => {
    const results = [...(done.get(result.stage) ?? []), result];
    done.set(result.stage, results);
    const total = totals.get(result.stage) ?? results.length;
    const c = countOutcomes(results);
    const finished = results.length === total;
    // \r and "erase line" rewrite the stage's line in place until it is finished.
    stream.write(
      `\r\x1b[2K${result.stage}: ${results.length}/${total}  ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${finished ? "\n" : `  (${result.id})`}`,
    );
  };
}

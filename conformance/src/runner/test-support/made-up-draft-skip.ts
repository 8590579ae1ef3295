// A case about another parameter of update_draft or send_draft names a made-up draft_id (the runner
// writes no draft for the cases): a server that looks the draft up first answers draft_not_found,
// and the runner skips the case saying so. The reference server's providers all look it up first.
import type { JsonReportCheck } from "./run-runner.js";

const MADE_UP_DRAFT_SKIP = /draft_id is made up, and the server answered draft_not_found first/u;

/** The ids of the skipped checks, but for the cases skipped for their made-up draft_id. */
export function withoutMadeUpDraftSkips(skipped: readonly JsonReportCheck[]): string[] {
  return skipped
    .filter((check) => !MADE_UP_DRAFT_SKIP.test(check.details?.reason ?? check.details?.message ?? ""))
    .map((check) => check.id);
}

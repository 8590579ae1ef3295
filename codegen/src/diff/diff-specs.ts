// Every change between two versions of the spec, in the order of the spec's sections, each
// classified as breaking or not for clients and implementers.
import type { SpecDocument } from "../spec/model.js";
import type { SpecChange } from "./change.js";
import { diffDecisions, diffIdentity } from "./docs-diff.js";
import { diffErrors } from "./errors-diff.js";
import { diffLimits, diffPlans, diffQuotas, diffRateLimits } from "./limits-diff.js";
import { diffTools } from "./tools-diff.js";
import { diffApiKeys, diffScopes, diffTransport } from "./transport-diff.js";
import { diffTypes } from "./types-diff.js";
import { diffFolders, diffFormats, diffSearch } from "./vocabulary-diff.js";

export type { SpecChange } from "./change.js";

const SECTIONS: readonly ((before: SpecDocument, after: SpecDocument) => SpecChange[])[] = [
  diffIdentity,
  diffTransport,
  diffApiKeys,
  diffScopes,
  diffPlans,
  diffQuotas,
  diffRateLimits,
  diffLimits,
  diffFormats,
  diffFolders,
  diffSearch,
  diffTypes,
  diffTools,
  diffErrors,
  diffDecisions,
];

export function diffSpecs(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return SECTIONS.flatMap((diffSection) => diffSection(before, after));
}

// What the server refuses once a caller has done enough: plans, quotas, rate limits and limits.
// Lowering any of them, or adding a new one, refuses calls that used to pass.
import type { SpecDocument } from "../spec/model.js";
import { breakingChange, compatibleChange, makeChange, type SpecChange } from "./change.js";
import { diffCeiling, diffKeyed, diffText, diffValue } from "./compare.js";

export function diffPlans(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return diffKeyed(before.plans, after.plans, {
    removed: (plan) => [breakingChange(`plans.${plan}`, "plan removed")],
    added: (plan) => [compatibleChange(`plans.${plan}`, "new plan")],
    kept: (plan, b, a) => [
      ...diffText(`plans.${plan}.title`, b.title, a.title),
      ...diffCeiling(`plans.${plan}.calls_per_month`, b.calls_per_month, a.calls_per_month),
      ...diffCeiling(`plans.${plan}.sends_per_day`, b.sends_per_day, a.sends_per_day),
    ],
  });
}

// What a quota or rate limit counts, per what and over which period decides which calls are
// refused. These are sentences, and a rewording cannot be told from a new meaning, so any change
// to them is reported as breaking for a person to confirm.
export function diffQuotas(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return diffKeyed(before.quotas, after.quotas, {
    removed: (quota) => [compatibleChange(`quotas.${quota}`, "quota removed")],
    added: (quota) => [breakingChange(`quotas.${quota}`, "new quota")],
    kept: (quota, b, a) => [
      ...diffValue(`quotas.${quota}.applies_to`, b.applies_to, a.applies_to, true, "what the quota counts changed"),
      ...diffValue(`quotas.${quota}.counted_per`, b.counted_per, a.counted_per, true),
      ...diffValue(`quotas.${quota}.period`, b.period, a.period, true),
    ],
  });
}

export function diffRateLimits(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const b = before.rate_limits;
  const a = after.rate_limits;
  return [
    ...diffValue("rate_limits.counted_per", b.counted_per, a.counted_per, true),
    ...diffValue("rate_limits.algorithm", b.algorithm, a.algorithm, true),
    ...diffValue("rate_limits.counts", b.counts, a.counts, true, "what the rate limits count changed"),
    ...diffValue("rate_limits.retry_after", b.retry_after, a.retry_after, true),
    ...diffKeyed(
      Object.fromEntries(b.windows.map((w) => [w.name, w])),
      Object.fromEntries(a.windows.map((w) => [w.name, w])),
      {
        removed: (name) => [compatibleChange(`rate_limits.windows.${name}`, "window removed")],
        added: (name) => [breakingChange(`rate_limits.windows.${name}`, "new window")],
        kept: (name, bWindow, aWindow) => [
          ...diffWindowLength(`rate_limits.windows.${name}.seconds`, bWindow.seconds, aWindow.seconds),
          ...diffCeiling(`rate_limits.windows.${name}.limit`, bWindow.limit, aWindow.limit),
        ],
      },
    ),
  ];
}

/** The same allowance over a longer window is stricter. */
function diffWindowLength(path: string, before: number, after: number): SpecChange[] {
  if (before === after) return [];
  const lengthened = after > before;
  return [makeChange(path, lengthened, lengthened ? "lengthened" : "shortened", { before, after })];
}

// A new limit named after a tool that is new too (get_thread_max_messages) bounds only calls that
// could not be made before.
export function diffLimits(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const newTools = Object.keys(after.tools).filter((tool) => !(tool in before.tools));
  const ofNewTool = (limit: string) => newTools.some((tool) => limit.startsWith(`${tool}_`));
  return diffKeyed(before.limits, after.limits, {
    removed: (limit) => [compatibleChange(`limits.${limit}`, "limit removed")],
    added: (limit) => [
      ofNewTool(limit)
        ? compatibleChange(`limits.${limit}`, "new limit of a new tool")
        : breakingChange(`limits.${limit}`, "new limit"),
    ],
    kept: (limit, b, a) => diffCeiling(`limits.${limit}`, b, a),
  });
}

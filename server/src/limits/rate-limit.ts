// The spec's three rolling windows per API key, checked and recorded in one atomic store step.
import { RATE_LIMITS, rateLimitExceeded, type ExecutionErrorResult, type RateWindowName } from "@mcpemails/generated";
import type { RateDecision, Store, Workspace } from "../store/store.js";

export type RateWindows = readonly { name: RateWindowName; seconds: number; limit: number }[];

/** The windows with the limits a setting names; the others as they were. */
export function withLimits(windows: RateWindows, limits: Readonly<Partial<Record<string, number>>>): RateWindows {
  return windows.map((w) => ({ ...w, limit: limits[w.name] ?? w.limit }));
}

/** The windows of a workspace's keys: the operator's override for each window it names, the server's for the rest. */
export function rateWindowsOf(workspace: Workspace, serverWindows: RateWindows): RateWindows {
  return workspace.rateLimitsOverride === null
    ? serverWindows
    : withLimits(serverWindows, workspace.rateLimitsOverride);
}

export async function checkRateLimit(
  store: Store,
  keyId: string,
  nowMs: number,
  windows: RateWindows = RATE_LIMITS.windows,
): Promise<ExecutionErrorResult<"rate_limit_exceeded"> | undefined> {
  return rateRefusal(await store.hitRateWindows(keyId, windows, nowMs));
}

/** The answer to a request the windows refused; undefined when they allowed it. */
export function rateRefusal(decision: RateDecision): ExecutionErrorResult<"rate_limit_exceeded"> | undefined {
  if (decision.allowed) return undefined;
  return rateLimitExceeded({
    // Whole seconds, rounded up, so that a client waiting retryAfter is never refused again.
    retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
    window: decision.window as RateWindowName,
    limit: decision.limit,
  });
}

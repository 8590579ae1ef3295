// Plan quotas per workspace: calls per UTC calendar month, sends per UTC calendar day.
import { PLANS, quotaExceeded, type ExecutionErrorResult, type QuotaName } from "@mcpemails/generated";
import type { QuotaCharge, QuotaDecision, Store, Workspace } from "../store/store.js";

type QuotaRefusal = ExecutionErrorResult<"quota_exceeded">;

export interface QuotaPeriod {
  /** Distinguishes this period's counter from the previous one's. */
  label: string;
  resetsAt: Date;
}

export function monthPeriod(now: Date): QuotaPeriod {
  return {
    label: now.toISOString().slice(0, 7),
    resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

export function dayPeriod(now: Date): QuotaPeriod {
  return {
    label: now.toISOString().slice(0, 10),
    resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)),
  };
}

/** The operator's override when there is one, else the plan's; null means no such quota. */
export function sendsPerDay(workspace: Workspace): number | null {
  if (workspace.sendsPerDayOverride !== null) return workspace.sendsPerDayOverride;
  const planned = PLANS[workspace.plan].sends_per_day;
  return planned === "custom" ? null : planned;
}

export function callsPerMonth(workspace: Workspace): number | null {
  return workspace.callsPerMonthOverride ?? PLANS[workspace.plan].calls_per_month;
}

export function quotaCounter(quota: QuotaName, workspaceId: string, period: QuotaPeriod): string {
  return `${quota}:${workspaceId}:${period.label}`;
}

/** One unit of the workspace's monthly call quota, to take in a call's admission; null when its plan has none. */
export function callCharge(workspace: Workspace, now: Date): QuotaCharge | null {
  const limit = callsPerMonth(workspace);
  if (limit === null) return null;
  const period = monthPeriod(now);
  return {
    counter: quotaCounter("calls_per_month", workspace.id, period),
    limit,
    expiresAtMs: period.resetsAt.getTime(),
  };
}

/** The answer to a call the monthly call quota refused (decision from admitCall). */
export function callQuotaRefusal(
  workspace: Workspace,
  decision: QuotaDecision | null,
  now: Date,
): QuotaRefusal | undefined {
  const limit = callsPerMonth(workspace);
  if (decision === null || decision.allowed || limit === null) return undefined;
  return refusal(workspace, "calls_per_month", limit, monthPeriod(now), now);
}

function refusal(workspace: Workspace, quota: QuotaName, limit: number, period: QuotaPeriod, now: Date): QuotaRefusal {
  return quotaExceeded({
    quota,
    limit,
    plan: PLANS[workspace.plan].title,
    resetsAt: period.resetsAt.toISOString(),
    retryAfter: Math.max(1, Math.ceil((period.resetsAt.getTime() - now.getTime()) / 1000)),
  });
}

/** Takes one unit of a quota, or says why not. A null limit means the plan has no such quota. */
export async function consume(
  store: Store,
  workspace: Workspace,
  quota: QuotaName,
  limit: number | null,
  period: QuotaPeriod,
  now: Date,
): Promise<QuotaRefusal | undefined> {
  if (limit === null) return undefined;
  const decision = await store.consumeQuota(
    quotaCounter(quota, workspace.id, period),
    limit,
    period.resetsAt.getTime(),
  );
  if (decision.allowed) return undefined;
  return refusal(workspace, quota, limit, period, now);
}

export async function release(
  store: Store,
  workspace: Workspace,
  quota: QuotaName,
  period: QuotaPeriod,
): Promise<void> {
  await store.releaseQuota(quotaCounter(quota, workspace.id, period));
}

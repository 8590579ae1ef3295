// A send policy's sends per hour (decision send-policy): a counter per key and UTC clock hour,
// taken with the daily send quota before the provider is called and given back with it when
// nothing was sent, so that a refused or failed send costs no place in the hour.
import { sendPolicyRefused, type ExecutionErrorResult } from "@mcpemails/generated";
import type { Store } from "../store/store.js";
import type { QuotaPeriod } from "./quotas.js";

export interface HourlySendLimit {
  keyId: string;
  limit: number;
}

export function hourPeriod(now: Date): QuotaPeriod {
  return {
    label: now.toISOString().slice(0, 13),
    resetsAt: new Date(Math.floor(now.getTime() / 3_600_000 + 1) * 3_600_000),
  };
}

function counter(limit: HourlySendLimit, period: QuotaPeriod): string {
  return `sends_per_hour:${limit.keyId}:${period.label}`;
}

export async function takeHourlySend(
  store: Store,
  limit: HourlySendLimit,
  period: QuotaPeriod,
  now: Date,
): Promise<ExecutionErrorResult<"send_policy_refused"> | undefined> {
  const decision = await store.consumeQuota(counter(limit, period), limit.limit, period.resetsAt.getTime());
  if (decision.allowed) return undefined;
  return sendPolicyRefused({
    rule: "sends_per_hour",
    detail: `this key may send ${limit.limit} message(s) an hour and has sent them; the hour ends at ${period.resetsAt.toISOString()}`,
    retryAfter: Math.min(3_600, Math.max(1, Math.ceil((period.resetsAt.getTime() - now.getTime()) / 1000))),
  });
}

export async function giveBackHourlySend(store: Store, limit: HourlySendLimit, period: QuotaPeriod): Promise<void> {
  await store.releaseQuota(counter(limit, period));
}

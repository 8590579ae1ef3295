// When a provider tries a request again, one rule for all: a throttled request (429, Gmail's rate
// limits) was refused before anything was done, so it is retried whatever it was; a service failure
// (a 5xx, a dropped connection) may have followed a change, so it is retried only when the request
// changes nothing (a read), never a send. The wait is the service's Retry-After when it gives one
// (retry-after.ts: seconds or an HTTP-date), else an exponential backoff; attempts are bounded, one
// wait and the waits of one request in all too, and a wait past either bound ends the request at once
// (the caller answers with the retryAfter instead of holding the client).

export interface RetryPolicy {
  /** Attempts of one request in all, the first included. */
  maxAttempts: number;
  /** The longest single wait. */
  maxWaitMs: number;
  /** The longest the waits of one request may add up to. */
  maxTotalWaitMs: number;
  /** The first backoff when the service names no wait; doubled each attempt. */
  baseWaitMs: number;
}

export interface RetryableFailure {
  /** throttled: refused before it was carried out; unavailable: the service failed, maybe after acting; final: no retry helps. */
  kind: "throttled" | "unavailable" | "final";
  retryAfterSeconds?: number | undefined;
}

export interface RetryState {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** Whether the request changes nothing, so that repeating it after any failure is safe. */
  read: boolean;
  /** What this request has waited already. */
  waitedMs: number;
}

/** The wait before the next attempt, or undefined when the failure is final. */
export function retryWaitMs(failure: RetryableFailure, state: RetryState, policy: RetryPolicy): number | undefined {
  if (state.attempt >= policy.maxAttempts) return undefined;
  if (failure.kind === "final" || (failure.kind === "unavailable" && !state.read)) return undefined;
  const wait =
    failure.retryAfterSeconds !== undefined
      ? failure.retryAfterSeconds * 1000
      : policy.baseWaitMs * 2 ** (state.attempt - 1);
  if (wait > policy.maxWaitMs || state.waitedMs + wait > policy.maxTotalWaitMs) return undefined;
  return wait;
}

/** Waits ms, or rejects with the signal's reason as soon as it aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal.addEventListener("abort", abort, { once: true });
  });
}

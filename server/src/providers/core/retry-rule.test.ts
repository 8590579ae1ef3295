// The providers' one retry rule: what is retried, after how long, and where retrying stops.
import { describe, expect, it } from "vitest";
import { retryWaitMs, sleepUnlessAborted, type RetryPolicy } from "./retry-rule.js";

const policy: RetryPolicy = { maxAttempts: 4, maxWaitMs: 30_000, maxTotalWaitMs: 40_000, baseWaitMs: 1000 };
const first = { attempt: 1, read: true, waitedMs: 0 };

describe("retryWaitMs", () => {
  it("retries a throttled request whatever it was, a send too, after its Retry-After", () => {
    expect(retryWaitMs({ kind: "throttled", retryAfterSeconds: 7 }, { ...first, read: false }, policy)).toBe(7000);
  });

  it("retries a service failure only on a read: a send that failed may have been carried out", () => {
    expect(retryWaitMs({ kind: "unavailable" }, first, policy)).toBe(1000);
    expect(retryWaitMs({ kind: "unavailable" }, { ...first, read: false }, policy)).toBeUndefined();
  });

  it("backs off by doubling when the service names no wait, and never retries a final failure", () => {
    expect([1, 2, 3].map((attempt) => retryWaitMs({ kind: "unavailable" }, { ...first, attempt }, policy))).toEqual([
      1000, 2000, 4000,
    ]);
    expect(retryWaitMs({ kind: "final" }, first, policy)).toBeUndefined();
  });

  it("stops at the last attempt, at a wait longer than one may be, and when the waits would add up past the bound", () => {
    expect(retryWaitMs({ kind: "throttled" }, { ...first, attempt: 4 }, policy)).toBeUndefined();
    expect(retryWaitMs({ kind: "throttled", retryAfterSeconds: 31 }, first, policy)).toBeUndefined();
    expect(
      retryWaitMs({ kind: "throttled", retryAfterSeconds: 20 }, { ...first, waitedMs: 25_000 }, policy),
    ).toBeUndefined();
    expect(retryWaitMs({ kind: "throttled", retryAfterSeconds: 15 }, { ...first, waitedMs: 25_000 }, policy)).toBe(
      15_000,
    );
  });
});

describe("sleepUnlessAborted", () => {
  it("rejects with the signal's reason when it aborts during the wait, or had aborted before", async () => {
    const controller = new AbortController();
    const waiting = sleepUnlessAborted(60_000, controller.signal);
    controller.abort(new Error("client went away"));
    await expect(waiting).rejects.toThrow("client went away");
    await expect(sleepUnlessAborted(60_000, controller.signal)).rejects.toThrow("client went away");
  });
});

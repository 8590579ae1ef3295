// Store.admitCall on both adapters (Redis when REDIS_URL / REDIS_CLUSTER_URL are set): a call's rate
// windows and its monthly call quota in one step, the quota taken only from a call the windows allow.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { storeAdapters } from "../../test/support/store-adapters.js";

const adapters = storeAdapters();

const twoPerMinute = [{ name: "minute" as const, seconds: 60, limit: 2 }];
const tomorrowMs = () => Date.now() + 86_400_000;

describe.each(adapters)("admitCall on $name", ({ open }) => {
  it("takes one unit of the quota from each call the windows allow, none from a call they refuse", async () => {
    const store = (await open())[0]!;
    const charge = { counter: `calls:${randomUUID()}`, limit: 10, expiresAtMs: tomorrowMs() };
    const at = Date.now();
    const answers = [];
    for (let call = 0; call < 3; call += 1)
      answers.push(await store.admitCall("key-1", twoPerMinute, at + call, charge));
    expect(answers).toEqual([
      { rate: { allowed: true }, quota: { allowed: true, used: 1 } },
      { rate: { allowed: true }, quota: { allowed: true, used: 2 } },
      // The first call leaves the window 60 s after it was made, 2 ms after it the third was.
      { rate: { allowed: false, window: "minute", limit: 2, retryAfterMs: 59_998 }, quota: null },
    ]);
    expect(await store.quotaUsed(charge.counter, Date.now())).toBe(2);
  });

  it("counts a call in the windows even when the quota refuses it, and a call without a charge takes no quota", async () => {
    const store = (await open())[0]!;
    const charge = { counter: `calls:${randomUUID()}`, limit: 1, expiresAtMs: tomorrowMs() };
    const at = Date.now();
    expect(await store.admitCall("key-2", twoPerMinute, at, charge)).toEqual({
      rate: { allowed: true },
      quota: { allowed: true, used: 1 },
    });
    expect(await store.admitCall("key-2", twoPerMinute, at + 1, charge)).toEqual({
      rate: { allowed: true },
      quota: { allowed: false, used: 1 },
    });
    expect(await store.admitCall("key-2", twoPerMinute, at + 2, null)).toMatchObject({
      rate: { allowed: false, window: "minute" },
      quota: null,
    });
  });
});

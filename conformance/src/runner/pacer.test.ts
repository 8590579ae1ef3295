import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer.js";

function clock(startMs = 1_000_000) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("the pacer", () => {
  it("affords any number of calls while the server has refused none", () => {
    const time = clock();
    const pacer = new Pacer(time.now);
    pacer.recordCounted(500);
    expect(pacer.affordableBefore(time.now() + 1000)).toBe(Number.POSITIVE_INFINITY);
    expect(pacer.seenWindows()).toEqual([]);
  });

  it("from a refusal naming the minute window, affords the calls the window lets through before the deadline", () => {
    const time = clock();
    const pacer = new Pacer(time.now);
    pacer.recordCounted(100);
    pacer.recordRefusal({ errorCode: "rate_limit_exceeded", window: "minute", limit: 100, retryAfter: 60 });
    expect(pacer.seenWindows()).toEqual([{ name: "minute", seconds: 60, limit: 100 }]);
    // The 100 calls leave the window 60 s after they were made: 100 more then, none before.
    expect(pacer.affordableBefore(time.now() + 59_000)).toBe(0);
    expect(pacer.affordableBefore(time.now() + 110_000)).toBe(100);
    expect(pacer.affordableBefore(time.now() + 120_000)).toBe(200);
    time.advance(30_000);
    pacer.recordCounted(0);
    expect(pacer.affordableBefore(time.now() + 80_000)).toBe(100);
  });

  it("counts the calls still inside the window: half a window's calls made earlier leave room for the other half", () => {
    const time = clock();
    const pacer = new Pacer(time.now);
    pacer.recordCounted(50);
    time.advance(30_000);
    pacer.recordCounted(50);
    pacer.recordRefusal({ window: "minute", limit: 100 });
    // The first 50 leave at +30 s from now, the next 50 at +60 s.
    expect(pacer.affordableBefore(time.now() + 29_000)).toBe(0);
    expect(pacer.affordableBefore(time.now() + 31_000)).toBe(50);
    expect(pacer.affordableBefore(time.now() + 61_000)).toBe(100);
  });

  it("holds every window it has seen, the tightest deciding", () => {
    const time = clock();
    const pacer = new Pacer(time.now);
    pacer.recordCounted(10);
    pacer.recordRefusal({ window: "minute", limit: 100 });
    pacer.recordRefusal({ window: "hour", limit: 120 });
    expect(pacer.affordableBefore(time.now() + 110_000)).toBe(110);
  });

  it("takes a refusal that names no window, or one the spec lacks, as a minute holding what the last minute counted", () => {
    const time = clock();
    const pacer = new Pacer(time.now);
    pacer.recordCounted(30);
    pacer.recordRefusal({ errorCode: "rate_limit_exceeded", retryAfter: 5 });
    expect(pacer.seenWindows()).toEqual([{ name: "minute", seconds: 60, limit: 30 }]);
    pacer.recordRefusal({ window: "fortnight", limit: "many" });
    expect(pacer.seenWindows()).toEqual([{ name: "minute", seconds: 60, limit: 30 }]);
  });
});

import { describe, expect, it } from "vitest";
import { PageCheckpoints } from "./page-checkpoints.js";

describe("page checkpoints", () => {
  it("start a walk at the nearest offset known for the same query", () => {
    const checkpoints = new PageCheckpoints();
    checkpoints.remember("q", 20, "t20");
    checkpoints.remember("q", 40, "t40");
    checkpoints.remember("other", 50, "o50");
    expect(checkpoints.nearest("q", 45)).toEqual({ offset: 40, token: "t40" });
    expect(checkpoints.nearest("q", 39)).toEqual({ offset: 20, token: "t20" });
    expect(checkpoints.nearest("q", 10)).toEqual({ offset: 0, token: null });
  });

  it("forget a checkpoint older than their age limit", () => {
    let now = 0;
    const checkpoints = new PageCheckpoints({ maxAgeMs: 1000, now: () => now });
    checkpoints.remember("q", 20, "t20");
    now = 1001;
    expect(checkpoints.nearest("q", 20)).toEqual({ offset: 0, token: null });
  });

  it("keep at most their capacity, dropping the oldest", () => {
    const checkpoints = new PageCheckpoints({ capacity: 2 });
    checkpoints.remember("q", 20, "t20");
    checkpoints.remember("q", 40, "t40");
    checkpoints.remember("q", 60, "t60");
    expect(checkpoints.nearest("q", 39)).toEqual({ offset: 0, token: null });
    expect(checkpoints.nearest("q", 60)).toEqual({ offset: 60, token: "t60" });
  });

  it("forget a whole query when the service refused one of its tokens", () => {
    const checkpoints = new PageCheckpoints();
    checkpoints.remember("q", 20, "t20");
    checkpoints.remember("q2", 20, "u20");
    checkpoints.forget("q");
    expect(checkpoints.nearest("q", 20).token).toBeNull();
    expect(checkpoints.nearest("q2", 20).token).toBe("u20");
  });
});

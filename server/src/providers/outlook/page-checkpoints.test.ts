// Where a page walk may start: the nearest link at or before an offset, while it is fresh.
import { describe, expect, it } from "vitest";
import { PageCheckpoints } from "./page-checkpoints.js";

describe("PageCheckpoints", () => {
  it("gives the nearest checkpoint at or before the offset of the same query, else the first page", () => {
    const checkpoints = new PageCheckpoints();
    checkpoints.remember("inbox", 20, "link-20");
    checkpoints.remember("inbox", 40, "link-40");
    checkpoints.remember("sent", 30, "sent-30");
    expect(checkpoints.nearest("inbox", 35)).toEqual({ offset: 20, link: "link-20" });
    expect(checkpoints.nearest("inbox", 40)).toEqual({ offset: 40, link: "link-40" });
    expect(checkpoints.nearest("inbox", 10)).toEqual({ offset: 0, link: null });
  });

  it("forgets a checkpoint older than its maximum age, since mail that came or went since shifts the positions", () => {
    let now = 0;
    const checkpoints = new PageCheckpoints(10, 60_000, () => now);
    checkpoints.remember("inbox", 20, "link-20");
    now = 60_000;
    expect(checkpoints.nearest("inbox", 20).link).toBe("link-20");
    now = 60_001;
    expect(checkpoints.nearest("inbox", 20)).toEqual({ offset: 0, link: null });
  });

  it("keeps at most its capacity, the oldest out first", () => {
    const checkpoints = new PageCheckpoints(2);
    checkpoints.remember("inbox", 10, "link-10");
    checkpoints.remember("inbox", 20, "link-20");
    checkpoints.remember("inbox", 30, "link-30");
    expect(checkpoints.nearest("inbox", 15)).toEqual({ offset: 0, link: null });
    expect(checkpoints.nearest("inbox", 25).link).toBe("link-20");
  });
});

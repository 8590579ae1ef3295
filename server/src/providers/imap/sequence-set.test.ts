import { describe, expect, it } from "vitest";
import { lastOfSet, toSequenceSet } from "./sequence-set.js";

describe("lastOfSet", () => {
  it("takes numbers from the end of a compact set, largest first", () => {
    expect(lastOfSet("1:5,9,12:14", 0, 4)).toEqual([14, 13, 12, 9]);
  });

  it("skips offset numbers across ranges", () => {
    expect(lastOfSet("1:5,9,12:14", 3, 3)).toEqual([9, 5, 4]);
    expect(lastOfSet("1:5,9,12:14", 8, 5)).toEqual([1]);
    expect(lastOfSet("1:5,9,12:14", 9, 5)).toEqual([]);
  });

  it("reads reversed ranges, unordered parts and an empty set", () => {
    expect(lastOfSet("14:12,3,1", 0, 10)).toEqual([14, 13, 12, 3, 1]);
    expect(lastOfSet("", 0, 10)).toEqual([]);
  });

  it("does not expand a huge range to page through it", () => {
    expect(lastOfSet("1:4000000000", 50_000, 2)).toEqual([3_999_950_000, 3_999_949_999]);
  });
});

describe("toSequenceSet", () => {
  it("writes runs of consecutive numbers as ranges and the rest one by one", () => {
    expect(toSequenceSet([1, 2, 3, 7, 9, 10])).toBe("1:3,7,9:10");
    expect(toSequenceSet([5])).toBe("5");
    expect(toSequenceSet([])).toBe("");
  });

  it("is read back by lastOfSet as the same numbers", () => {
    const numbers = [2, 3, 4, 8, 11, 12, 40];
    expect(lastOfSet(toSequenceSet(numbers), 0, 100)).toEqual([...numbers].reverse());
  });
});

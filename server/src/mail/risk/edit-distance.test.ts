import { describe, expect, it } from "vitest";
import { boundedEditDistance } from "./edit-distance.js";

describe("boundedEditDistance", () => {
  it("counts insertions, deletions and substitutions up to the bound", () => {
    expect(boundedEditDistance("google", "google", 1)).toBe(0);
    expect(boundedEditDistance("gooogle", "google", 1)).toBe(1);
    expect(boundedEditDistance("gogle", "google", 1)).toBe(1);
    expect(boundedEditDistance("goagle", "google", 1)).toBe(1);
    expect(boundedEditDistance("kitten", "sitting", 3)).toBe(3);
  });

  it("gives bound + 1 for anything farther", () => {
    expect(boundedEditDistance("gogole", "google", 1)).toBe(2);
    expect(boundedEditDistance("microsoft", "google", 1)).toBe(2);
    expect(boundedEditDistance("kitten", "sitting", 2)).toBe(3);
  });

  it("compares characters the caller's way", () => {
    const digitForLetter = (a: string, b: string): boolean => a === b || (a === "1" && b === "l");
    expect(boundedEditDistance("paypa1", "paypal", 0, digitForLetter)).toBe(0);
    expect(boundedEditDistance("paypal", "paypa1", 0, digitForLetter)).toBe(1);
  });

  it("does not compare labels longer than DNS allows", () => {
    expect(boundedEditDistance("a".repeat(64), "a".repeat(64), 1)).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { readBodyShape } from "./body-shape.js";

const limits = { maxBatchLength: 3, maxDepth: 6 };
const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("readBodyShape", () => {
  it("passes a batch at the limit and stops reading at the first element past it", () => {
    expect(readBodyShape("[1, 2, 3]", limits)).toEqual({ kind: "ok" });
    expect(readBodyShape(`[1, 2, 3, 4, ${"[".repeat(1000)}`, limits)).toEqual({ kind: "batch-too-long" });
  });

  it("counts the outermost value as level 1", () => {
    expect(readBodyShape(deep(6), limits)).toEqual({ kind: "ok" });
    expect(readBodyShape(deep(7), limits)).toMatchObject({ kind: "too-deep", inBatch: true });
  });

  it("names the argument of a single request that nests too deep, with the request's id wherever it stands", () => {
    const body = `{"params": {"arguments": {"folder": ${deep(4)}}}, "id": "a\\"b", "method": "tools/call"}`;
    expect(readBodyShape(body, limits)).toEqual({ kind: "too-deep", inBatch: false, argument: "folder", id: 'a"b' });
    const numbered = `{"id": -12, "params": {"arguments": {"x": ${deep(4)}}}}`;
    expect(readBodyShape(numbered, limits)).toMatchObject({ argument: "x", id: -12 });
  });

  it("reads keys written with escapes as JSON.parse would", () => {
    const body = `{"par\\u0061ms": {"arguments": {"q": ${deep(4)}}}}`;
    expect(readBodyShape(body, limits)).toMatchObject({ kind: "too-deep", argument: "q" });
  });

  it("names no argument for depth outside arguments or inside a batch", () => {
    expect(readBodyShape(`{"params": {"_meta": ${deep(5)}}}`, limits)).toMatchObject({ argument: undefined });
    const batch = `[{"params": {"arguments": {"q": ${deep(3)}}}}]`;
    expect(readBodyShape(batch, limits)).toMatchObject({ kind: "too-deep", inBatch: true, argument: undefined });
  });

  it("ignores brackets, braces and commas inside strings", () => {
    expect(readBodyShape(`["[[[[[[[[,,,,", "\\"]]]]{{{{"]`, limits)).toEqual({ kind: "ok" });
  });
});

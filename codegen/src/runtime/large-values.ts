// Conformance cases stand for values too large to write out (megabytes of base64) with a small
// descriptor. One expansion, here, which `pnpm gen` copies into generated/ so that codegen's tests
// and the conformance runner expand cases identically.
import { Buffer } from "node:buffer";

export const BASE64_OF_BYTES = "$base64OfBytes";

/** Replaces every {"$base64OfBytes": N} with base64 of N bytes. */
export function expandLargeValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandLargeValues);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === BASE64_OF_BYTES && typeof only[1] === "number")
    return Buffer.alloc(only[1], 0x61).toString("base64");
  return Object.fromEntries(entries.map(([k, v]) => [k, expandLargeValues(v)]));
}

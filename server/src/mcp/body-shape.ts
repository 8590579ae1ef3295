// The shape of a request body read from its text before JSON.parse: how many elements a batch
// has and whether anything nests deeper than allowed. Parsing first would let a 2-million-element
// batch or a body of millions of nested brackets cost seconds of CPU and hundreds of MB before any
// limit applied; this single pass allocates nothing per element and stops as soon as a batch is
// too long. Written here because JSON parsers (V8's, streaming ones) report neither bound without
// building the values. Malformed JSON is left to JSON.parse, which answers it with -32700.
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";

export interface BodyLimits {
  maxBatchLength: number;
  maxDepth: number;
}

export type BodyShape =
  | { kind: "ok" }
  | { kind: "batch-too-long" }
  /** Nested past maxDepth: where, and (for a single request) its id, so that the answer can name both. */
  | { kind: "too-deep"; inBatch: boolean; argument: string | undefined; id: RequestId | null };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Keys longer than this are not names any check looks for, so they are not decoded. */
const LONGEST_KEY_READ = 64;

export function readBodyShape(text: string, limits: BodyLimits): BodyShape {
  // One entry per open container: true for an object. keys[d] is the last key read at depth d.
  const isObject: boolean[] = [];
  const keys: (string | undefined)[] = [];
  let expectingKey = false;
  let batch = false;
  let batchCommas = 0;
  let deepAt: string[] | undefined;
  let id: RequestId | null = null;
  let beyond = 0;
  const depth = () => isObject.length + beyond;

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = endOfString(text, i);
      if (beyond === 0 && isObject[depth() - 1] === true && expectingKey) {
        keys[depth()] = end - i - 1 <= LONGEST_KEY_READ ? decodeString(text.slice(i, end + 1)) : undefined;
      } else if (!batch && depth() === 1 && keys[1] === "id") {
        id = decodeString(text.slice(i, end + 1)) ?? null;
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth() === 0 && c === OPEN_BRACKET) batch = true;
      if (isObject.length === limits.maxDepth) {
        // Past the limit only the way back up matters: counted, not stacked, so memory stays flat.
        deepAt ??= pathOfKeys(keys, isObject);
        beyond++;
        continue;
      }
      isObject.push(c === OPEN_BRACE);
      keys[depth()] = undefined;
      expectingKey = c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (beyond > 0) beyond--;
      else isObject.pop();
      expectingKey = false;
    } else if (c === COMMA) {
      expectingKey = beyond === 0 && isObject[depth() - 1] === true;
      if (batch && depth() === 1 && ++batchCommas >= limits.maxBatchLength) return { kind: "batch-too-long" };
    } else if (c === COLON) {
      expectingKey = false;
    } else if (!batch && depth() === 1 && keys[1] === "id" && isNumberStart(c)) {
      const end = endOfNumber(text, i);
      const value = Number(text.slice(i, end));
      id = Number.isFinite(value) ? value : null;
      i = end - 1;
    }
  }
  if (deepAt === undefined) return { kind: "ok" };
  // A single request's arguments are params.arguments: keys at depths 1, 2 and 3 (the argument).
  const inArguments = !batch && deepAt[0] === "params" && deepAt[1] === "arguments";
  return { kind: "too-deep", inBatch: batch, argument: inArguments ? deepAt[2] : undefined, id };
}

/** The keys leading into each open container, "[]" for a step into an array. */
function pathOfKeys(keys: (string | undefined)[], isObject: boolean[]): string[] {
  const path: string[] = [];
  for (let d = 1; d <= isObject.length; d++) path.push(isObject[d - 1] ? (keys[d] ?? "") : "[]");
  return path;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return text.length;
}

function decodeString(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

function isNumberStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39);
}

/** The characters a JSON number is written with: digits, sign, point, exponent. */
const NUMBER_CHARACTERS = new Set("-+0123456789.eE");

function endOfNumber(text: string, start: number): number {
  let i = start;
  while (i < text.length && NUMBER_CHARACTERS.has(text.charAt(i))) i++;
  return i;
}

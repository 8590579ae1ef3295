// fast-check arbitraries read off a JSON Schema in the subset the codegen emits: values the schema
// accepts, and near misses that break it in exactly one place, so that validators (ajv, zod,
// TypeBox, the server) can be compared where they are most likely to disagree.
import fc from "fast-check";

export type JsonSchemaObject = { readonly [keyword: string]: unknown };

export interface InvalidValue {
  value: unknown;
  /** What was broken, for a human reading a counterexample. */
  reason: string;
  /** Where, as -32602 data names a parameter: "attachments[0].filename"; "" for the value itself. */
  path: string;
  /** The JSON Schema keyword the value now breaks. */
  keyword: string;
}

type JsonType = "null" | "boolean" | "integer" | "number" | "string" | "array" | "object";

// Bounded sizes keep a 200-run property fast even for schemas with large or no bounds.
const UNBOUNDED_EXTRA_LENGTH = 64;
const LONGEST_EXACT_STRING = 4096;
const ARRAY_LENGTH_CAP = 8;
const LONGEST_EXACT_ARRAY = 64;
const NUMERIC_OVERSHOOT = 1000;

interface Keywords {
  types?: JsonType[];
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  format?: string;
  contentEncoding?: string;
  items?: JsonSchemaObject;
  minItems?: number;
  maxItems?: number;
  properties: [string, JsonSchemaObject][];
  required: string[];
  closed: boolean;
}

/** Values the schema accepts. */
export function validValue(schema: JsonSchemaObject): fc.Arbitrary<unknown> {
  const k = readKeywords(schema);
  const types = k.types ?? impliedTypes(k);
  if (types === undefined) return k.enum ? fc.constantFrom(...k.enum) : fc.jsonValue();
  return oneOf(types.map((type) => validOfType(type, k)));
}

/** Values the schema refuses, each a valid value changed in exactly one place. */
export function invalidValue(schema: JsonSchemaObject): fc.Arbitrary<InvalidValue> {
  const options = mutations(schema, "");
  if (options.length === 0) throw new Error("the schema accepts every value, so no value can be made invalid");
  return fc.oneof(...options);
}

function validOfType(type: JsonType, k: Keywords): fc.Arbitrary<unknown> {
  if (k.enum) {
    const members = k.enum.filter((v) => hasType(v, type));
    return members.length > 0 ? fc.constantFrom(...members) : fc.constant(k.enum[0]);
  }
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return integerBetween(k.minimum, k.maximum);
    case "number":
      return fc.double({
        min: k.minimum ?? -Number.MAX_VALUE,
        max: k.maximum ?? Number.MAX_VALUE,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "string":
      return validString(k);
    case "array":
      return validArray(k);
    case "object":
      return validObject(k);
  }
}

function validString(k: Keywords): fc.Arbitrary<string> {
  const min = k.minLength ?? 0;
  const max = k.maxLength;
  const fits = (s: string) =>
    codePointLength(s) >= min && (max === undefined || codePointLength(s) <= max) && (k.pattern?.test(s) ?? true);
  const longest = max ?? min + UNBOUNDED_EXTRA_LENGTH;
  if (k.contentEncoding === "base64") {
    // Base64 of n bytes has 4 * ceil(n / 3) characters.
    const maxBytes = Math.floor(Math.min(longest, min + UNBOUNDED_EXTRA_LENGTH * 4) / 4) * 3;
    return fc
      .uint8Array({ minLength: Math.ceil(min / 4) * 3, maxLength: Math.max(maxBytes, Math.ceil(min / 4) * 3) })
      .map((bytes) => Buffer.from(bytes).toString("base64"))
      .filter(fits);
  }
  if (k.format !== undefined) return formatString(k.format, k.pattern).filter(fits);
  if (k.pattern !== undefined) return fc.stringMatching(k.pattern, { maxLength: longest }).filter(fits);
  const upper = Math.min(longest, min + UNBOUNDED_EXTRA_LENGTH);
  const exactly = (n: number) => fc.string({ unit: codePoint, minLength: n, maxLength: n });
  return fc.oneof(
    { arbitrary: fc.string({ unit: codePoint, minLength: min, maxLength: upper }), weight: 8 },
    { arbitrary: exactly(min), weight: 1 },
    ...(max !== undefined && max <= LONGEST_EXACT_STRING ? [{ arbitrary: exactly(max), weight: 1 }] : []),
  );
}

/** Formats the codegen may emit; a pattern, when present, narrows them further. */
function formatString(format: string, pattern: RegExp | undefined): fc.Arbitrary<string> {
  switch (format) {
    case "uuid":
      return pattern ? fc.stringMatching(pattern) : fc.uuid();
    case "date-time":
      // ISO 8601 in UTC with 0 to 3 fraction digits; real calendar dates, which a pattern alone cannot ensure.
      return fc
        .tuple(
          fc.date({
            min: new Date("0001-01-01T00:00:00.000Z"),
            max: new Date("9999-12-31T23:59:59.999Z"),
            noInvalidDate: true,
          }),
          fc.integer({ min: 0, max: 3 }),
        )
        .map(([date, digits]) =>
          date
            .toISOString()
            .replace(/\.(\d{3})Z$/, (_m, ms: string) => (digits === 0 ? "Z" : `.${ms.slice(0, digits)}Z`)),
        )
        .filter((s) => pattern?.test(s) ?? true);
    case "date":
      return fc
        .date({
          min: new Date("0001-01-01T00:00:00.000Z"),
          max: new Date("9999-12-31T23:59:59.999Z"),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10));
    case "email":
      return fc.emailAddress().filter((s) => pattern?.test(s) ?? true);
    default:
      if (pattern) return fc.stringMatching(pattern);
      throw new Error(`no generator for format "${format}"`);
  }
}

function validArray(k: Keywords): fc.Arbitrary<unknown[]> {
  const item = k.items ? validValue(k.items) : fc.jsonValue();
  const min = k.minItems ?? 0;
  const max = Math.min(k.maxItems ?? Infinity, Math.max(min, ARRAY_LENGTH_CAP));
  const arrays = fc.array(item, { minLength: min, maxLength: max });
  if (k.maxItems === undefined || k.maxItems <= max || k.maxItems > LONGEST_EXACT_ARRAY) return arrays;
  return fc.oneof(
    { arbitrary: arrays, weight: 9 },
    { arbitrary: fc.array(item, { minLength: k.maxItems, maxLength: k.maxItems }), weight: 1 },
  );
}

function validObject(k: Keywords): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(
    k.properties.map(([name, schema]) => [name, validValue(schema)]),
  );
  for (const name of k.required) model[name] ??= fc.jsonValue();
  // Optional properties come and go; required ones are always there.
  return fc.record(model, { requiredKeys: k.required, noNullPrototype: true });
}

function mutations(schema: JsonSchemaObject, path: string): fc.Arbitrary<InvalidValue>[] {
  const k = readKeywords(schema);
  const types = k.types ?? impliedTypes(k);
  const invalid = (value: unknown, keyword: string, reason: string, where = path): InvalidValue => ({
    value,
    keyword,
    path: where,
    reason: `${where === "" ? "the value" : where}: ${reason}`,
  });
  const out: fc.Arbitrary<InvalidValue>[] = [];
  const has = (type: JsonType) => types?.includes(type) ?? false;

  const accepted = k.types ?? [];
  const refusesSomeType = wrongTypeCandidates(null).some((c) => !accepted.some((t) => hasType(c, t)));
  if (k.types && refusesSomeType) {
    out.push(
      fc.tuple(validValue(schema), fc.nat()).map(([valid, pick]) => {
        const wrong = wrongTypeCandidates(valid).filter((c) => !accepted.some((t) => hasType(c, t)));
        const value = wrong[pick % wrong.length];
        return invalid(value, "type", `${describeValue(value)} where ${accepted.join(" or ")} is required`);
      }),
    );
  }
  if (k.enum) {
    const members = k.enum;
    out.push(
      fc.tuple(fc.constantFrom(...members), fc.nat()).map(([member, pick]) => {
        const text = String(member);
        const misses = [swapCase(text), `${text}_`, ` ${text}`, `${text}x`].filter((c) => !members.includes(c));
        const value = misses[pick % misses.length];
        return invalid(
          value,
          "enum",
          `${JSON.stringify(value)} is not one of ${members.map((m) => JSON.stringify(m)).join(", ")}`,
        );
      }),
    );
  }
  const numeric = has("integer") || has("number");
  if (numeric && k.minimum !== undefined) {
    const minimum = k.minimum;
    out.push(
      fc
        .integer({ min: 1, max: NUMERIC_OVERSHOOT })
        .map((d) => invalid(minimum - d, "minimum", `${minimum - d} is below the minimum ${minimum}`)),
    );
  }
  if (numeric && k.maximum !== undefined) {
    const maximum = k.maximum;
    out.push(
      fc
        .integer({ min: 1, max: NUMERIC_OVERSHOOT })
        .map((d) => invalid(maximum + d, "maximum", `${maximum + d} is above the maximum ${maximum}`)),
    );
  }

  if (has("string") && !k.enum) {
    const strings = validString(k);
    const { minLength, maxLength, pattern } = k;
    if (minLength !== undefined && minLength > 0) {
      out.push(
        fc.tuple(strings, fc.nat()).map(([s, n]) => {
          const value = [...s].slice(0, n % minLength).join("");
          return invalid(value, "minLength", `${codePointLength(value)} code points, under the minLength ${minLength}`);
        }),
      );
    }
    if (maxLength !== undefined) {
      out.push(
        fc.tuple(strings, fc.integer({ min: 1, max: 3 })).map(([s, extra]) => {
          // Repeating the last character keeps most patterns satisfied, so length is what breaks.
          const last = [...s].at(-1) ?? "a";
          const value = s + last.repeat(maxLength - codePointLength(s) + extra);
          return invalid(value, "maxLength", `${codePointLength(value)} code points, over the maxLength ${maxLength}`);
        }),
      );
    }
    if (pattern !== undefined) {
      out.push(
        strings
          .map((s) => patternNearMisses(s).find((c) => !pattern.test(c)))
          .filter((c): c is string => c !== undefined)
          .map((value) =>
            invalid(value, "pattern", `${JSON.stringify(shorten(value))} does not match ${pattern.source}`),
          ),
      );
    } else if (k.format !== undefined) {
      const format = k.format;
      out.push(
        fc
          .constantFrom("not a valid value", "", "0")
          .map((value) => invalid(value, "format", `${JSON.stringify(value)} is not a ${format}`)),
      );
    }
  }

  if (has("array")) {
    const arrays = validArray(k);
    const { minItems, maxItems, items } = k;
    if (minItems !== undefined && minItems > 0) {
      out.push(
        fc.tuple(arrays, fc.nat()).map(([a, n]) => {
          const value = a.slice(0, n % minItems);
          return invalid(value, "minItems", `${value.length} items, under the minItems ${minItems}`);
        }),
      );
    }
    if (maxItems !== undefined && maxItems <= LONGEST_EXACT_ARRAY * 16) {
      const item = items ? validValue(items) : fc.jsonValue();
      out.push(
        fc.tuple(arrays, fc.array(item, { minLength: maxItems + 1, maxLength: maxItems + 1 })).map(([a, more]) => {
          const value = [...a, ...more].slice(0, maxItems + 1);
          return invalid(value, "maxItems", `${value.length} items, over the maxItems ${maxItems}`);
        }),
      );
    }
    if (items !== undefined && maxItems !== 0) {
      const nonEmpty = fc.array(validValue(items), {
        minLength: Math.max(minItems ?? 0, 1),
        maxLength: Math.min(maxItems ?? Infinity, Math.max(minItems ?? 0, ARRAY_LENGTH_CAP)),
      });
      const placeholder = `${path}[*]`;
      for (const bad of mutations(items, placeholder)) {
        out.push(
          fc.tuple(nonEmpty, bad, fc.nat()).map(([a, mutation, n]) => {
            const index = n % a.length;
            const value = a.map((item, i) => (i === index ? mutation.value : item));
            const where = mutation.path.replace(placeholder, `${path}[${index}]`);
            return {
              ...mutation,
              value,
              path: where,
              reason: mutation.reason.replace(placeholder, `${path}[${index}]`),
            };
          }),
        );
      }
    }
  }

  if (has("object")) {
    const objects = validObject(k);
    const names = new Set(k.properties.map(([name]) => name));
    if (k.required.length > 0) {
      const required = k.required;
      out.push(
        fc.tuple(objects, fc.nat()).map(([o, n]) => {
          const name = required[n % required.length] ?? "";
          const value = Object.fromEntries(Object.entries(o).filter(([key]) => key !== name));
          return invalid(value, "required", `the required ${name} was removed`, join(path, name));
        }),
      );
    }
    if (k.closed) {
      // "__proto__" would set the prototype instead of adding a property.
      const unknownName = fc
        .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 })
        .filter((name) => !names.has(name) && name !== "__proto__");
      out.push(
        fc.tuple(objects, unknownName, fc.jsonValue({ maxDepth: 1 })).map(([o, name, extra]) => {
          const value = Object.fromEntries([...Object.entries(o), [name, extra]]);
          return invalid(value, "additionalProperties", `${JSON.stringify(name)} is not a property`, join(path, name));
        }),
      );
    }
    for (const [name, propertySchema] of k.properties) {
      for (const bad of mutations(propertySchema, join(path, name))) {
        out.push(
          fc.tuple(objects, bad).map(([o, mutation]) => ({ ...mutation, value: { ...o, [name]: mutation.value } })),
        );
      }
    }
  }
  return out;
}

function readKeywords(nodeSchema: JsonSchemaObject): Keywords {
  const schema = withNullBranchAsType(nodeSchema);
  const number = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  const string = (key: string) => (typeof schema[key] === "string" ? (schema[key] as string) : undefined);
  const type = schema.type;
  const pattern = string("pattern");
  return {
    types: typeof type === "string" ? [type as JsonType] : Array.isArray(type) ? (type as JsonType[]) : undefined,
    enum: Array.isArray(schema.enum) ? schema.enum : undefined,
    minimum: number("minimum"),
    maximum: number("maximum"),
    minLength: number("minLength"),
    maxLength: number("maxLength"),
    // JSON Schema patterns are Unicode regular expressions (ajv compiles them with the u flag).
    pattern: pattern === undefined ? undefined : new RegExp(pattern, "u"),
    format: string("format"),
    contentEncoding: string("contentEncoding"),
    items: isSchema(schema.items) ? schema.items : undefined,
    minItems: number("minItems"),
    maxItems: number("maxItems"),
    properties: isSchema(schema.properties)
      ? Object.entries(schema.properties).filter((e): e is [string, JsonSchemaObject] => isSchema(e[1]))
      : [],
    required: Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [],
    closed: schema.additionalProperties === false,
  };
}

/**
 * A nullable node as the codegen writes it, {"anyOf": [<schema>, {"type": "null"}]}, read as the same
 * set of values written with a type array: <schema> with "null" added to its type (and enum).
 */
function withNullBranchAsType(schema: JsonSchemaObject): JsonSchemaObject {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return schema;
  const [value, nullBranch] = branches as unknown[];
  if (!isSchema(value) || !isSchema(nullBranch) || nullBranch.type !== "null" || Object.keys(nullBranch).length !== 1)
    return schema;
  if (value.type === undefined) return schema;
  const { anyOf: _branches, ...outer } = schema;
  return {
    ...value,
    ...outer,
    type: [...(Array.isArray(value.type) ? (value.type as unknown[]) : [value.type]), "null"],
    ...(Array.isArray(value.enum) ? { enum: [...(value.enum as unknown[]), null] } : {}),
  };
}

function impliedTypes(k: Keywords): JsonType[] | undefined {
  if (k.properties.length > 0 || k.required.length > 0) return ["object"];
  if (k.items !== undefined) return ["array"];
  return undefined;
}

function isSchema(value: unknown): value is JsonSchemaObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value);
    case "object":
      return isSchema(value);
  }
}

/** Values of other types, the first few close to the valid one: "5" for 5, [x] for x. */
function wrongTypeCandidates(valid: unknown): unknown[] {
  const near =
    typeof valid === "string"
      ? [Number.isFinite(Number(valid)) && valid.trim() !== "" ? Number(valid) : 42, [valid]]
      : [JSON.stringify(valid), [valid]];
  return [...near, 1.5, 7, true, null, "x", [], {}];
}

function integerBetween(min: number | undefined, max: number | undefined): fc.Arbitrary<number> {
  const low = min ?? Number.MIN_SAFE_INTEGER;
  const high = max ?? Number.MAX_SAFE_INTEGER;
  const int32 = (n: number) => n >= -(2 ** 31) && n <= 2 ** 31 - 1;
  if (int32(low) && int32(high)) return fc.integer({ min: low, max: high });
  return fc.bigInt(BigInt(low), BigInt(high)).map(Number);
}

/** Printable ASCII most of the time, and controls, the rest of the BMP and astral planes too; no lone surrogates. */
const codePoint: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 6 },
    { arbitrary: fc.integer({ min: 0x00, max: 0x1f }), weight: 1 },
    { arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }), weight: 2 },
    { arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }), weight: 1 },
    { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }), weight: 2 },
  )
  .map((cp) => String.fromCodePoint(cp));

function patternNearMisses(s: string): string[] {
  const chars = [...s];
  const middle = Math.floor(chars.length / 2);
  return [
    [...chars.slice(0, middle), " ", ...chars.slice(middle)].join(""),
    `${s}\n`,
    ` ${s}`,
    `${s}\u0000`,
    "",
    "\u{1F600}",
  ];
}

function oneOf<T>(arbitraries: fc.Arbitrary<T>[]): fc.Arbitrary<T> {
  const [only] = arbitraries;
  if (arbitraries.length === 1 && only) return only;
  return fc.oneof(...arbitraries);
}

function swapCase(text: string): string {
  const lower = text.toLowerCase();
  return lower !== text ? lower : text.toUpperCase();
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(shorten(value))}`;
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${String(value)}`;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

function codePointLength(text: string): number {
  return [...text].length;
}

import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeProblem } from "@mcpemails/generated";
import { toolInputSchemas, toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import { invalidValue, validValue, type InvalidValue, type JsonSchemaObject } from "./from-json-schema.js";

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

const inputSchemas = Object.entries(toolInputSchemas) as [string, JsonSchemaObject][];
const outputSchemas = Object.entries(toolOutputSchemas) as [string, JsonSchemaObject][];

const ajv = new Ajv({ strict: true, allErrors: true, verbose: true });
addFormats(ajv);
const compiled = new Map<JsonSchemaObject, ValidateFunction>();
function validatorFor(schema: JsonSchemaObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  return validate;
}

/** ajv's verdict, with each error named the way -32602 data names a parameter. */
function check(schema: JsonSchemaObject, value: unknown): { valid: boolean; parameters: string[] } {
  const validate = validatorFor(schema);
  const valid = validate(structuredClone(value));
  return { valid, parameters: (validate.errors ?? []).map((e) => describeProblem(e).parameter) };
}

const codePoints = (s: string) => [...s].length;

describe.each(inputSchemas)("%s input schema", (_tool, schema) => {
  it("accepts every valid value", () => {
    fc.assert(
      fc.property(validValue(schema), (value) => {
        expect(check(schema, value)).toEqual({ valid: true, parameters: [] });
      }),
      { numRuns: 200 },
    );
  });

  it("refuses every invalid value, and only at the place that was changed", () => {
    fc.assert(
      fc.property(invalidValue(schema), ({ value, path, reason }) => {
        const { valid, parameters } = check(schema, value);
        expect(valid, reason).toBe(false);
        expect(new Set(parameters), reason).toEqual(new Set([path]));
      }),
      { numRuns: 200 },
    );
  });
});

describe.each(outputSchemas)("%s output schema", (_tool, schema) => {
  it("accepts every valid value and refuses every invalid one", () => {
    fc.assert(
      fc.property(validValue(schema), (value) => check(schema, value).valid),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(invalidValue(schema), ({ value }) => !check(schema, value).valid),
      { numRuns: 100 },
    );
  });
});

describe("validValue", () => {
  it("counts string length in code points and uses astral characters", () => {
    const schema = { type: "string", minLength: 2, maxLength: 3 };
    const values = fc.sample(validValue(schema), { numRuns: 500, seed: 1 }) as string[];
    for (const v of values) expect(codePoints(v)).toBeGreaterThanOrEqual(2);
    for (const v of values) expect(codePoints(v)).toBeLessThanOrEqual(3);
    expect(values.some((v) => v.length > codePoints(v))).toBe(true);
    expect(values.some((v) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v))).toBe(
      false,
    );
  });

  it("reaches a large upper bound now and then, but keeps unbounded strings short", () => {
    const atMax = fc.sample(validValue({ type: "string", maxLength: 998 }), { numRuns: 300, seed: 2 }) as string[];
    expect(atMax.some((v) => codePoints(v) === 998)).toBe(true);
    const unbounded = fc.sample(validValue({ type: "string" }), { numRuns: 300, seed: 2 }) as string[];
    expect(Math.max(...unbounded.map(codePoints))).toBeLessThanOrEqual(64);
  });

  it("gives null as well as the type when the type list allows it", () => {
    const values = fc.sample(validValue({ type: ["integer", "null"], minimum: 1, maximum: 3 }), {
      numRuns: 200,
      seed: 3,
    });
    expect(new Set(values)).toEqual(new Set([1, 2, 3, null]));
  });

  it("reads a nullable anyOf, the codegen's spelling, as the type list of the same values", () => {
    const values = fc.sample(
      validValue({ anyOf: [{ type: "integer", minimum: 1, maximum: 3 }, { type: "null" }], description: "d" }),
      { numRuns: 200, seed: 3 },
    );
    expect(new Set(values)).toEqual(new Set([1, 2, 3, null]));
  });

  it("breaks a nullable anyOf in one place, inside its branch too, never with null", () => {
    const schema = {
      type: "object",
      properties: {
        folder: { anyOf: [{ type: "string", enum: ["INBOX", "SENT"] }, { type: "null" }] },
        from: {
          anyOf: [
            {
              type: "object",
              properties: { name: { anyOf: [{ type: "string", maxLength: 3 }, { type: "null" }] } },
              required: ["name"],
              additionalProperties: false,
            },
            { type: "null" },
          ],
        },
      },
      required: ["folder", "from"],
      additionalProperties: false,
    };
    const mutations = fc.sample(invalidValue(schema), { numRuns: 1000, seed: 9 }) as InvalidValue[];
    const broken = mutations.filter((m) => m.keyword !== "additionalProperties").map((m) => `${m.path} ${m.keyword}`);
    expect(new Set(broken)).toEqual(
      new Set([
        " type",
        "folder required",
        "folder type",
        "folder enum",
        "from required",
        "from type",
        "from.name required",
        "from.name type",
        "from.name maxLength",
      ]),
    );
    for (const m of mutations) expect(check(schema, m.value).valid, m.reason).toBe(false);
  });

  it("keeps required properties, leaves optional ones out sometimes, and adds none when additionalProperties is false", () => {
    const schema = {
      type: "object",
      properties: { a: { type: "boolean" }, b: { type: "boolean" } },
      required: ["a"],
      additionalProperties: false,
    };
    const values = fc.sample(validValue(schema), { numRuns: 200, seed: 4 }) as Record<string, unknown>[];
    for (const v of values) expect(Object.keys(v).every((key) => key === "a" || key === "b") && "a" in v).toBe(true);
    expect(values.some((v) => "b" in v)).toBe(true);
    expect(values.some((v) => !("b" in v))).toBe(true);
  });

  it("encodes real bytes for contentEncoding base64, and real calendar dates for date-time", () => {
    const base64 = {
      type: "string",
      contentEncoding: "base64",
      pattern: "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
    };
    for (const v of fc.sample(validValue(base64), { numRuns: 100, seed: 5 }) as string[])
      expect(Buffer.from(v, "base64").toString("base64")).toBe(v);
    const dateTime = { type: "string", format: "date-time" };
    fc.assert(
      fc.property(validValue(dateTime), (v) => check(dateTime, v).valid),
      { numRuns: 200 },
    );
  });

  it("fills arrays within minItems and maxItems", () => {
    const schema = { type: "array", items: { type: "string", format: "uuid" }, minItems: 2, maxItems: 4 };
    fc.assert(
      fc.property(validValue(schema), (v) => check(schema, v).valid && (v as unknown[]).length >= 2),
      { numRuns: 100 },
    );
  });
});

describe("invalidValue", () => {
  const sendEmail = inputSchemas.find(([tool]) => tool === "send_email")?.[1] ?? {};

  it("breaks every kind of constraint somewhere in a rich schema", () => {
    const keywords = new Set(
      (fc.sample(invalidValue(sendEmail), { numRuns: 2000, seed: 6 }) as InvalidValue[]).map((m) => m.keyword),
    );
    expect([...keywords].sort()).toEqual([
      "additionalProperties",
      "maxItems",
      "maxLength",
      "minItems",
      "minLength",
      "pattern",
      "required",
      "type",
    ]);
  });

  it("reaches into array items and object properties, naming the place like -32602 does", () => {
    const paths = new Set(
      (fc.sample(invalidValue(sendEmail), { numRuns: 2000, seed: 7 }) as InvalidValue[]).map((m) => m.path),
    );
    expect(paths).toContain("to[0]");
    expect(paths).toContain("attachments[0].data");
    expect(paths).toContain("inbox_id");
  });

  it("crosses numeric bounds and misses enums", () => {
    const schema = {
      type: "object",
      properties: {
        limit: { type: "integer", minimum: 1, maximum: 100 },
        folder: { type: "string", enum: ["INBOX", "SENT"] },
      },
      required: [],
      additionalProperties: false,
    };
    const mutations = fc.sample(invalidValue(schema), { numRuns: 500, seed: 8 }) as InvalidValue[];
    expect(new Set(mutations.map((m) => m.keyword))).toEqual(
      new Set(["additionalProperties", "type", "minimum", "maximum", "enum"]),
    );
    for (const m of mutations) expect(check(schema, m.value).valid, m.reason).toBe(false);
  });

  it("refuses to make a value invalid for a schema that accepts everything", () => {
    expect(() => invalidValue({})).toThrow(/accepts every value/);
  });
});

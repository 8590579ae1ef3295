// The spec becomes three schema forms: zod, JSON Schema (which servers check with ajv) and TypeBox
// (checked either by Value.Check or by a TypeCompiler-compiled check). A client, a server and a
// Fastify route may each use a different one, so all four validators must accept and reject exactly
// the same values, for every tool's arguments and for every tool's result.
import { invalidValue, validValue, type JsonSchemaObject } from "../arbitraries/from-json-schema.js";
import caseFile from "@mcpemails/generated/conformance-cases" with { type: "json" };
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandLargeValues, type ConformanceCase } from "@mcpemails/generated";
import {
  expectAgreement,
  formsFor,
  schemaForms,
  show,
  toolNames,
  topLevelProperties,
} from "./schema-agreement.helpers.js";

// Sized so that the whole file stays well under 30 s on two cores; output schemas draw larger values.
const VALID_RUNS = 200;
const INVALID_RUNS = 400;
const STAND_IN_RUNS = 800;

describe("the generated schema forms", () => {
  it("describe the same tools, for arguments and for results", () => {
    expect(toolNames.json.length).toBeGreaterThan(0);
    for (const names of [
      toolNames.jsonOutput,
      toolNames.zod,
      toolNames.zodOutput,
      toolNames.typebox,
      toolNames.typeboxOutput,
    ]) {
      expect(names).toEqual(toolNames.json);
    }
  });
});

/** Values of any type and shape, JSON or not: undefined, NaN, -0, Infinity, lone surrogates, Maps, sparse arrays. */
const standIn: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.anything({
    stringUnit: "binary",
    withNullPrototype: true,
    withSparseArray: true,
    withBoxedValues: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
  }),
  fc.jsonValue({ stringUnit: "binary" }),
  fc.string({ unit: "binary" }),
);

const LONE_HIGH = "\uD83D";
const LONE_LOW = "\uDE00";

/**
 * A valid value of the property with its UTF-16 units disturbed where code units and code points
 * part ways: a pair split in two, a lone surrogate added. Arrays get it in their last string.
 */
function nudged(schema: JsonSchemaObject): fc.Arbitrary<unknown> {
  const nudges = [
    (s: string) => s.slice(0, -1),
    (s: string) => s.slice(1),
    (s: string) => s + LONE_HIGH,
    (s: string) => LONE_LOW + s,
    (s: string) => s + LONE_LOW + LONE_HIGH,
  ];
  const apply = (value: unknown, nudge: (s: string) => string): unknown => {
    if (typeof value === "string") return nudge(value);
    if (!Array.isArray(value)) return value;
    const last = value.findLastIndex((item) => typeof item === "string");
    return value.map((item, i) => (i === last ? apply(item, nudge) : item));
  };
  return fc.tuple(validValue(schema), fc.constantFrom(...nudges)).map(([value, nudge]) => apply(value, nudge));
}

describe.each(schemaForms.map((forms) => [`${forms.tool} ${forms.direction}`, forms] as const))(
  "the %s schema",
  (_name, forms) => {
    it("is met, in zod, ajv and both TypeBox checks, by every value validValue draws from the JSON Schema", () => {
      fc.assert(
        fc.property(validValue(forms.json), (value) => expectAgreement(forms, value, "accepts")),
        { numRuns: VALID_RUNS },
      );
    });

    it("is broken, in all four, by every near miss invalidValue draws", () => {
      fc.assert(
        fc.property(invalidValue(forms.json), ({ value }) => expectAgreement(forms, value, "rejects")),
        { numRuns: INVALID_RUNS },
      );
    });

    it("gets one verdict from all four, whatever it is, when an arbitrary value stands in for any top-level property", () => {
      const replacement = fc.oneof(
        ...topLevelProperties(forms).map(([name, schema]) =>
          fc.tuple(fc.constant(name), fc.oneof(standIn, nudged(schema))),
        ),
      );
      fc.assert(
        fc.property(validValue(forms.json), replacement, (base, [name, value]) => {
          expectAgreement(forms, { ...(base as Record<string, unknown>), [name]: value });
        }),
        { numRuns: STAND_IN_RUNS },
      );
    });
  },
);

// The JSON's inferred type has `outcome: string`; ConformanceCase is the shape the generator writes.
const cases: ConformanceCase[] = caseFile.cases as ConformanceCase[];

describe("the conformance cases (generated/conformance/cases.json)", () => {
  it("are there to run", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  // Execution errors (an unknown inbox, too many decoded bytes) come from the server, after the schema accepted.
  it.each(cases.map((c) => [c.id, c] as const))("%s: all four give the verdict the case expects", (_id, c) => {
    expectAgreement(
      formsFor(c.tool, "input"),
      expandLargeValues(c.arguments),
      c.expect.outcome === "invalid_params" ? "rejects" : "accepts",
    );
  });
});

const INBOX = "00000000-0000-0000-0000-000000000000";
const sendEmail = { inbox_id: INBOX, to: ["alice@example.com"], subject: "Hello", body: "Hi" };
const listInbox = { inbox_id: INBOX };
const messageSummary = {
  id: "m1",
  thread_id: null,
  rfc822_message_id: null,
  folder: "INBOX",
  from: null,
  to: [],
  cc: [],
  subject: "",
  snippet: "",
  date: "2026-01-01T00:00:00.000Z",
  unread: false,
  has_attachments: false,
  size_bytes: null,
};
const listInboxResult = {
  messages: [messageSummary],
  offset: 0,
  limit: 20,
  next_offset: null,
  total: 1,
  total_is_estimate: false,
};
const attachment = (data: string) => ({
  ...sendEmail,
  attachments: [{ filename: "a.bin", mime_type: "application/octet-stream", data }],
});

const SMILE = "\u{1F600}";

describe("hand-picked edge cases", () => {
  it("start from bases all four accept", () => {
    expectAgreement(formsFor("send_email", "input"), sendEmail, "accepts");
    expectAgreement(formsFor("list_inbox", "input"), listInbox, "accepts");
    expectAgreement(formsFor("list_inbox", "output"), listInboxResult, "accepts");
  });

  describe("string length is counted in code points, as JSON Schema counts it", () => {
    const forms = formsFor("send_email", "input");

    it("accepts a subject of exactly 998 astral characters (1996 UTF-16 units)", () => {
      expectAgreement(forms, { ...sendEmail, subject: SMILE.repeat(998) }, "accepts");
    });

    it("rejects a subject of 999 astral characters", () => {
      expectAgreement(forms, { ...sendEmail, subject: SMILE.repeat(999) }, "rejects");
    });

    it("accepts a lone surrogate, high or low, as a character of its own", () => {
      for (const subject of [LONE_HIGH, LONE_LOW, `a${LONE_HIGH}b`, `${LONE_LOW}${LONE_HIGH}`]) {
        expectAgreement(forms, { ...sendEmail, subject }, "accepts");
      }
    });

    it("counts a lone surrogate as one character at the maximum length", () => {
      expectAgreement(forms, { ...sendEmail, subject: SMILE.repeat(997) + LONE_HIGH }, "accepts");
      expectAgreement(forms, { ...sendEmail, subject: SMILE.repeat(998) + LONE_HIGH }, "rejects");
      expectAgreement(forms, { ...sendEmail, subject: LONE_LOW + SMILE.repeat(997) }, "accepts");
    });

    it("rejects a lone surrogate where a pattern allows ASCII only", () => {
      expectAgreement(forms, { ...sendEmail, inbox_id: INBOX.slice(0, -1) + LONE_HIGH }, "rejects");
      expectAgreement(forms, { ...sendEmail, idempotency_key: `key${LONE_LOW}` }, "rejects");
    });
  });

  describe("integers", () => {
    const forms = formsFor("list_inbox", "input");
    const results = formsFor("list_inbox", "output");

    it("accepts -0 for an offset whose minimum is 0", () => {
      expectAgreement(forms, { ...listInbox, offset: -0 }, "accepts");
    });

    it("rejects 1e300 and 2**53, which are integers in JavaScript but above every maximum", () => {
      expectAgreement(forms, { ...listInbox, limit: 1e300 }, "rejects");
      expectAgreement(forms, { ...listInbox, offset: 2 ** 53 }, "rejects");
      expectAgreement(results, { ...listInboxResult, total: 2 ** 53 }, "rejects");
      expectAgreement(results, { ...listInboxResult, total: 1e300 }, "rejects");
    });

    it("accepts 2**53 - 1, the largest total", () => {
      expectAgreement(results, { ...listInboxResult, total: 2 ** 53 - 1 }, "accepts");
    });

    it("rejects NaN and Infinity", () => {
      expectAgreement(forms, { ...listInbox, offset: Number.NaN }, "rejects");
      expectAgreement(forms, { ...listInbox, limit: Number.POSITIVE_INFINITY }, "rejects");
    });
  });

  describe("unknown keys", () => {
    const forms = formsFor("send_email", "input");

    it('rejects "__proto__" as an own key, as JSON.parse makes it', () => {
      const value: unknown = JSON.parse(JSON.stringify(sendEmail).replace("{", '{"__proto__":{"x":1},'));
      expect(Object.hasOwn(value as object, "__proto__")).toBe(true);
      expectAgreement(forms, value, "rejects");
    });

    it('rejects "__proto__" inside an attachment', () => {
      const value: unknown = JSON.parse(
        JSON.stringify(attachment("aGk=")).replace('{"filename"', '{"__proto__":null,"filename"'),
      );
      expectAgreement(forms, value, "rejects");
    });

    it('rejects "constructor", a name every object inherits', () => {
      expectAgreement(forms, JSON.parse(JSON.stringify(sendEmail).replace("{", '{"constructor":"x",')), "rejects");
    });

    it("rejects an unknown key even when its value is undefined", () => {
      expectAgreement(forms, { ...sendEmail, extra: undefined }, "rejects");
    });
  });

  describe("uuids", () => {
    const forms = formsFor("list_inbox", "input");

    it("rejects an empty string", () => {
      expectAgreement(forms, { inbox_id: "" }, "rejects");
    });

    it("accepts upper-case hexadecimal digits", () => {
      expectAgreement(forms, { inbox_id: "3F7A8B2C-1D4E-5F6A-7B8C-9D0E1F2A3B4C" }, "accepts");
    });

    it("rejects the urn:uuid: prefix, which ajv's uuid format alone would allow", () => {
      expectAgreement(forms, { inbox_id: `urn:uuid:${INBOX}` }, "rejects");
    });
  });

  describe("base64 attachment data", () => {
    const forms = formsFor("send_email", "input");

    it("accepts 10 MiB of base64 without throwing (the decoded-size limit is the server's)", () => {
      expectAgreement(forms, attachment(Buffer.alloc(10 * 1024 * 1024, 0x61).toString("base64")), "accepts");
    });

    it("rejects whitespace or a newline inside, including a newline at the very end", () => {
      for (const data of [
        "aG k=",
        "aG\tk=",
        "aG\nk=",
        "aGk=\n",
        "aGk=\r\n",
        `${"QUJD".repeat(19)}\r\n${"QUJD".repeat(19)}`,
      ]) {
        expectAgreement(forms, attachment(data), "rejects");
      }
    });

    it("accepts data with or without padding, and none at all", () => {
      for (const data of ["", "aGk=", "aGk", "aA==", "aA"]) {
        expectAgreement(forms, attachment(data), "accepts");
      }
    });
  });

  describe("date-times in results", () => {
    const forms = formsFor("list_inbox", "output");
    const withDate = (date: string) => ({ ...listInboxResult, messages: [{ ...messageSummary, date }] });

    it("accepts 29 February in a leap year", () => {
      expectAgreement(forms, withDate("2024-02-29T12:00:00Z"), "accepts");
    });

    // Disagreement: ajv-formats' date-time format checks the calendar, while zod and TypeBox only
    // get the spec's date-time pattern, which allows any day 01-31 in any month and any year.
    for (const [date, day] of [
      ["2026-02-30T00:00:00Z", "30 February"],
      ["2025-02-29T00:00:00Z", "29 February outside a leap year"],
      ["2026-04-31T00:00:00.000Z", "31 April"],
    ] as const) {
      it(`rejects a day the month does not have: ${day}`, () => {
        expectAgreement(forms, withDate(date), "rejects");
      });
    }
  });
});

describe("a disagreement", () => {
  it("is reported with the value and every validator's verdict", () => {
    const forms = formsFor("list_inbox", "input");
    // A stand-in for a zod schema that lets unknown keys through.
    const broken = { ...forms, judge: (v: unknown) => ({ ...forms.judge(v), zod: "accepts" }) };
    expect(() => expectAgreement(broken, { ...listInbox, offset: -0, note: undefined, text: "x".repeat(200) })).toThrow(
      new RegExp(
        [
          "list_inbox input: the validators disagree on",
          String.raw`  \{"inbox_id":"${INBOX}","offset":-0,"note":undefined,"text":"x{24}"\.\.\. \(200 code points, 200 UTF-16 units\)\}`,
          "  zod safeParse: +accepts",
          "  ajv \\(JSON Schema\\): +rejects: \\(root\\): must NOT have additional properties",
        ].join("\n"),
      ),
    );
    expect(show({ s: LONE_HIGH })).toBe(String.raw`{"s":"\ud83d"}`);
  });
});

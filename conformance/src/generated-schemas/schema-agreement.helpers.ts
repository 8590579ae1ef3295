// The four validators a tool's arguments or result can meet (zod, ajv on the JSON Schema, TypeBox's
// Value.Check and its TypeCompiler), run side by side on one value, and an assertion that they agree
// whose failure shows the value and what each validator said about it.
import type { JsonSchemaObject } from "../arbitraries/from-json-schema.js";
// createAjv is the ajv setup servers get, so it is the one to compare.
import { createAjv } from "@mcpemails/generated";
import * as jsonSchemas from "@mcpemails/generated/json-schemas";
import * as typeboxSchemas from "@mcpemails/generated/typebox";
import * as zodSchemas from "@mcpemails/generated/zod";
import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import type { ZodType } from "zod";

export type Direction = "input" | "output";

export type ValidatorName = "zod" | "ajv" | "typeboxValue" | "typeboxCompiler";

/** "accepts", "rejects: <the validator's first reason>", or "throws: <message>". */
export type Verdict = string;

export type Verdicts = Record<ValidatorName, Verdict>;

export interface SchemaForms {
  tool: string;
  direction: Direction;
  /** The JSON Schema, which validValue and invalidValue read. */
  json: JsonSchemaObject;
  judge(value: unknown): Verdicts;
}

const LABELS: Record<ValidatorName, string> = {
  zod: "zod safeParse",
  ajv: "ajv (JSON Schema)",
  typeboxValue: "TypeBox Value.Check",
  typeboxCompiler: "TypeBox TypeCompiler",
};

const ajv = createAjv();

function formsOf(tool: string, direction: Direction): SchemaForms {
  const pick = <T>(record: Record<string, T>): T => {
    const schema = record[tool];
    if (schema === undefined) throw new Error(`no ${direction} schema for ${tool}`);
    return schema;
  };
  const input = direction === "input";
  const json: JsonSchemaObject = pick<JsonSchemaObject>(
    input ? jsonSchemas.toolInputSchemas : jsonSchemas.toolOutputSchemas,
  );
  const zod: ZodType = pick<ZodType>(input ? zodSchemas.toolInputSchemas : zodSchemas.toolOutputSchemas);
  const typebox: TSchema = pick<TSchema>(input ? typeboxSchemas.toolInputSchemas : typeboxSchemas.toolOutputSchemas);
  const validate = ajv.compile(json);
  const compiled = TypeCompiler.Compile(typebox);
  return {
    tool,
    direction,
    json,
    judge: (value) => ({
      zod: verdictOf(() => {
        const result = zod.safeParse(value);
        const issue = result.error?.issues[0];
        return result.success
          ? true
          : issue
            ? `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`
            : "no issue";
      }),
      // useDefaults fills in missing parameters, which must not change what the others see.
      ajv: verdictOf(() => {
        if (validate(structuredClone(value))) return true;
        const error = validate.errors?.[0];
        return error ? `${error.instancePath || "(root)"}: ${error.message ?? error.keyword}` : "no error";
      }),
      typeboxValue: verdictOf(() => {
        if (Value.Check(typebox, value)) return true;
        const error = Value.Errors(typebox, value).First();
        return error ? `${error.path || "(root)"}: ${error.message}` : "no error";
      }),
      typeboxCompiler: verdictOf(() => {
        if (compiled.Check(value)) return true;
        const error = compiled.Errors(value).First();
        return error ? `${error.path || "(root)"}: ${error.message}` : "no error";
      }),
    }),
  };
}

/** `check` returns true to accept, or the reason it rejects. */
function verdictOf(check: () => true | string): Verdict {
  try {
    const result = check();
    return result === true ? "accepts" : `rejects: ${result}`;
  } catch (error) {
    return `throws: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export const toolNames = {
  json: Object.keys(jsonSchemas.toolInputSchemas),
  jsonOutput: Object.keys(jsonSchemas.toolOutputSchemas),
  zod: Object.keys(zodSchemas.toolInputSchemas),
  zodOutput: Object.keys(zodSchemas.toolOutputSchemas),
  typebox: Object.keys(typeboxSchemas.toolInputSchemas),
  typeboxOutput: Object.keys(typeboxSchemas.toolOutputSchemas),
};

export const schemaForms: SchemaForms[] = toolNames.json.flatMap((tool) => [
  formsOf(tool, "input"),
  formsOf(tool, "output"),
]);

export function formsFor(tool: string, direction: Direction): SchemaForms {
  const found = schemaForms.find((f) => f.tool === tool && f.direction === direction);
  if (!found) throw new Error(`no ${direction} schema for ${tool}`);
  return found;
}

/** The top-level properties, the tool's parameters or its result's fields, with their JSON Schemas. */
export function topLevelProperties(forms: SchemaForms): [string, JsonSchemaObject][] {
  const properties = forms.json.properties;
  if (properties === null || typeof properties !== "object") return [];
  return Object.entries(properties as Record<string, JsonSchemaObject>);
}

const verdictKind = (verdict: Verdict) => verdict.split(":", 1)[0] ?? verdict;

/**
 * Throws unless all four validators give the same verdict and none throws; with `expected`, also
 * unless that verdict is the expected one. The message shows the value and every verdict.
 */
export function expectAgreement(forms: SchemaForms, value: unknown, expected?: "accepts" | "rejects"): void {
  const verdicts = forms.judge(value);
  const kinds = new Set(Object.values(verdicts).map(verdictKind));
  const [only] = kinds;
  const agreed = kinds.size === 1 && only !== "throws";
  if (agreed && (expected === undefined || only === expected)) return;
  const problem =
    kinds.size > 1
      ? "the validators disagree"
      : !agreed
        ? "every validator throws"
        : `all validators ${only === "accepts" ? "accept" : "reject"}, but the value should be ${expected === "accepts" ? "accepted" : "rejected"}`;
  const width = Math.max(...Object.values(LABELS).map((l) => l.length));
  const lines = (Object.keys(LABELS) as ValidatorName[]).map(
    (name) => `  ${`${LABELS[name]}:`.padEnd(width + 2)}${verdicts[name]}`,
  );
  throw new Error(`${forms.tool} ${forms.direction}: ${problem} on\n  ${show(value)}\n${lines.join("\n")}`);
}

const LONGEST_SHOWN_STRING = 80;

/** fast-check's rendering (it shows -0, undefined, NaN, lone surrogates, own __proto__ keys), with long strings cut. */
export function show(value: unknown): string {
  const long: string[] = [];
  const token = (i: number) => `@@long string ${i}@@`;
  const cut = (v: unknown): unknown => {
    if (typeof v === "string") return v.length > LONGEST_SHOWN_STRING ? token(long.push(v) - 1) : v;
    if (Array.isArray(v)) return v.map(cut);
    if (v === null || typeof v !== "object") return v;
    const prototype: unknown = Object.getPrototypeOf(v);
    if (prototype !== Object.prototype && prototype !== null) return v;
    const copy = Object.create(prototype as object | null) as Record<string, unknown>;
    for (const [key, inner] of Object.entries(v))
      Object.defineProperty(copy, key, { value: cut(inner), enumerable: true, writable: true, configurable: true });
    return copy;
  };
  let text = fc.stringify(cut(value));
  long.forEach((s, i) => {
    // 24 code points take at most 48 units, so slicing first never splits a pair that is shown.
    const head = [...s.slice(0, 48)].slice(0, 24).join("");
    const codePoints = s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
    text = text.replace(
      JSON.stringify(token(i)),
      () => `${fc.stringify(head)}... (${codePoints} code points, ${s.length} UTF-16 units)`,
    );
  });
  return text;
}

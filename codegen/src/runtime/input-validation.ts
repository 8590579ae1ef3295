// Validates tool arguments against their JSON Schema and names the first problem the way the
// protocol's -32602 data does: {parameter, rule, message}. codegen checks the spec's examples with
// it, and `pnpm gen` copies it into generated/ for servers, so both judge inputs identically.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule, { type FormatsPlugin } from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext its default import is typed as the module object.
const addFormats = addFormatsModule as unknown as FormatsPlugin;

export type InputCheck<T> = { ok: true; value: T } | { ok: false; problem: InputProblem };

export interface InputProblem {
  /** Path of the parameter, such as "attachments[0].filename"; "" for the arguments object. */
  parameter: string;
  rule: string;
  message: string;
}

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, useDefaults: true });
  addFormats(ajv);
  return ajv;
}

/** Compiles once; the returned function applies defaults to a copy and reports the first problem. */
export function compileInputValidator<T>(ajv: Ajv, schema: object): (args: unknown) => InputCheck<T> {
  const validate: ValidateFunction = ajv.compile(schema);
  return (args) => {
    const value: unknown =
      args !== null && typeof args === "object" && !Array.isArray(args) ? structuredClone(args) : args;
    if (validate(value)) return { ok: true, value: value as T };
    const first = validate.errors?.[0];
    if (!first) return { ok: false, problem: { parameter: "", rule: "type", message: "arguments: invalid" } };
    return { ok: false, problem: describeProblem(first) };
  };
}

const RULES: Record<string, string> = {
  required: "required",
  type: "type",
  enum: "enum",
  minimum: "minimum",
  maximum: "maximum",
  minLength: "min_length",
  maxLength: "max_length",
  minItems: "min_items",
  maxItems: "max_items",
  pattern: "pattern",
  format: "format",
  additionalProperties: "unknown_parameter",
};

export function describeProblem(error: ErrorObject): InputProblem {
  const base = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const child = (name: unknown) => (base === "" ? String(name) : `${base}.${String(name)}`);
  let parameter = base;
  let rule = RULES[error.keyword] ?? error.keyword;
  let text: string;
  switch (error.keyword) {
    case "required":
      parameter = child(params.missingProperty);
      text = "is required";
      break;
    case "additionalProperties":
      parameter = child(params.additionalProperty);
      text = "is not a parameter of this tool";
      break;
    case "type":
      text = `must be ${article(String(params.type))}`;
      break;
    case "enum":
      text = `must be one of ${(parent.enum as unknown[]).filter((v) => v !== null).join(", ")}`;
      break;
    case "minimum":
      text = `must be at least ${String(params.limit)}`;
      break;
    case "maximum":
      text = `must be at most ${String(params.limit)}`;
      break;
    case "minLength":
      text = `must be at least ${plural(Number(params.limit), "character")}`;
      break;
    case "maxLength":
      text = `must be at most ${plural(Number(params.limit), "character")}`;
      break;
    case "minItems":
      text = `must have at least ${plural(Number(params.limit), "item")}`;
      break;
    case "maxItems":
      text = `must have at most ${plural(Number(params.limit), "item")}`;
      break;
    case "pattern":
    case "format": {
      const format = parent.contentEncoding ?? parent.format;
      if (format !== undefined) {
        rule = "format";
        text = `must be ${format === "base64" ? "standard base64" : format === "uuid" ? "a UUID (8-4-4-4-12 hexadecimal digits)" : `a valid ${String(format)}`}`;
      } else {
        text = `must match the pattern ${String(parent.pattern)}`;
      }
      break;
    }
    default:
      text = error.message ?? "is invalid";
  }
  return { parameter, rule, message: `${parameter === "" ? "arguments" : parameter}: ${text}` };
}

function pointerToPath(pointer: string): string {
  if (pointer === "") return "";
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === "" ? part : `${path}.${part}`), "");
}

function article(type: string): string {
  const first = type.split(",")[0] ?? type;
  return `${/^[aeiou]/.test(first) ? "an" : "a"} ${first}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

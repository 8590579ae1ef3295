// Checks what the shape alone cannot: references resolve, keywords suit their types, bounds and
// defaults agree, catalogue entries exist, and every example matches its schemas.
import type { Locate } from "./load.js";
import type { SpecDocument, SpecSchema } from "./model.js";
import type { SpecProblem } from "./problems.js";
import { buildSchemaModel, toNode } from "../schema/ir.js";
import { toJsonSchema } from "../emit/json-schema.js";
import { implicitObject } from "../schema/tools.js";
import { PLACEHOLDER } from "../schema/templates.js";
import { compileInputValidator, createAjv } from "../runtime/input-validation.js";

type Path = (string | number)[];

const KEYWORDS_BY_TYPE: Record<string, readonly (keyof SpecSchema)[]> = {
  string: ["min_length", "max_length", "pattern", "format", "enum"],
  integer: ["minimum", "maximum"],
  boolean: [],
  array: ["items", "min_items", "max_items"],
  object: ["properties", "required"],
};
const TYPED_KEYWORDS = new Set(Object.values(KEYWORDS_BY_TYPE).flat());

export function checkSpecSemantics(doc: SpecDocument, locate: Locate): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const report = (path: Path, message: string) => problems.push(locate(path, message));

  for (const [name, schema] of Object.entries(doc.types))
    checkSchema(doc, schema, ["types", name], report, new Set([name]));
  for (const [name, tool] of Object.entries(doc.tools)) {
    const at: Path = ["tools", name];
    if (!(tool.scope in doc.scopes))
      report([...at, "scope"], `unknown scope "${tool.scope}"; scopes are ${Object.keys(doc.scopes).join(", ")}`);
    checkSchema(doc, { ...tool.input, type: "object" }, [...at, "input"], report, new Set());
    if (tool.input.type !== undefined && tool.input.type !== "object")
      report([...at, "input", "type"], "a tool input must be an object");
    checkSchema(doc, implicitObject(tool.output), [...at, "output"], report, new Set());
    tool.errors.forEach((code, i) => {
      if (!(code in doc.errors.execution)) report([...at, "errors", i], `"${code}" is not in errors.execution`);
    });
  }
  for (const [code, error] of Object.entries(doc.errors.execution)) {
    (error.not_retryable_for ?? []).forEach((tool, i) => {
      if (!(tool in doc.tools)) report(["errors", "execution", code, "not_retryable_for", i], `unknown tool "${tool}"`);
    });
    for (const [field, def] of Object.entries(error.fields ?? {})) {
      checkBounds(def, ["errors", "execution", code, "fields", field], report);
      if (def.format !== undefined && !(def.format in doc.formats))
        report(["errors", "execution", code, "fields", field, "format"], `unknown format "${def.format}"`);
    }
  }
  const codes = new Map<number, string>();
  for (const [name, error] of Object.entries(doc.errors.protocol)) {
    const other = codes.get(error.code);
    if (other) report(["errors", "protocol", name, "code"], `code ${error.code} is also used by ${other}`);
    codes.set(error.code, name);
  }
  for (const [name, mode] of Object.entries(doc.api_keys.modes)) {
    if (!new RegExp(doc.api_keys.pattern).test(mode.prefix + "A".repeat(doc.api_keys.secret_length))) {
      report(
        ["api_keys", "modes", name, "prefix"],
        `a key with prefix ${mode.prefix} would not match api_keys.pattern`,
      );
    }
  }
  const revisions = doc.transport.protocol_revisions;
  if ([...revisions].sort().reverse().join() !== revisions.join())
    report(["transport", "protocol_revisions"], "must be listed newest first");
  const stateless = doc.transport.stateless?.revisions ?? [];
  if ([...stateless].sort().reverse().join() !== stateless.join())
    report(["transport", "stateless", "revisions"], "must be listed newest first");
  for (const revision of stateless)
    if (revisions.some((r) => r >= revision))
      report(["transport", "stateless", "revisions"], `${revision} must be newer than every initialize revision`);
  const seenDecisions = new Set<string>();
  doc.decisions.forEach((d, i) => {
    if (seenDecisions.has(d.id)) report(["decisions", i, "id"], `duplicate decision id "${d.id}"`);
    seenDecisions.add(d.id);
  });

  if (problems.length === 0) checkExamples(doc, report);
  return problems;
}

function checkSchema(
  doc: SpecDocument,
  s: SpecSchema,
  at: Path,
  report: (p: Path, m: string) => void,
  typeStack: Set<string>,
): void {
  const kinds = [s.type, s.ref, s.extends].filter((k) => k !== undefined).length;
  if (kinds !== 1 && !(s.extends !== undefined && s.type === undefined))
    report(at, "a schema needs exactly one of type, ref or extends");
  for (const key of ["ref", "extends"] as const) {
    const target = s[key];
    if (target === undefined) continue;
    if (!(target in doc.types))
      report([...at, key], `unknown type "${target}"; types are ${Object.keys(doc.types).join(", ")}`);
    else if (typeStack.has(target)) report([...at, key], `"${target}" refers to itself`);
    else if (key === "extends" && !isObjectType(doc, target) && s.properties)
      report([...at, key], `can only extend an object type`);
  }
  const allowed = new Set<string>(s.type ? KEYWORDS_BY_TYPE[s.type] : s.extends ? ["properties", "required"] : []);
  for (const key of Object.keys(s) as (keyof SpecSchema)[]) {
    if (TYPED_KEYWORDS.has(key) && !allowed.has(key))
      report([...at, key], `"${key}" does not apply to ${s.type ?? (s.ref ? "a ref" : "this schema")}`);
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, "u");
    } catch (e) {
      report([...at, "pattern"], `not a valid regular expression: ${(e as Error).message}`);
    }
    if (s.format !== undefined) report([...at, "pattern"], "use either pattern or format, not both");
  }
  if (s.format !== undefined && !(s.format in doc.formats))
    report([...at, "format"], `unknown format "${s.format}"; formats are ${Object.keys(doc.formats).join(", ")}`);
  checkBounds(s, at, report);
  if (s.min_length !== undefined && s.max_length !== undefined && s.min_length > s.max_length)
    report([...at, "min_length"], "min_length is greater than max_length");
  if (s.min_items !== undefined && s.max_items !== undefined && s.min_items > s.max_items)
    report([...at, "min_items"], "min_items is greater than max_items");
  for (const [i, name] of (s.required ?? []).entries()) {
    if (!(name in (s.properties ?? {}))) report([...at, "required", i], `"${name}" is required but not a property`);
  }
  if (s.enum && new Set(s.enum).size !== s.enum.length) report([...at, "enum"], "enum values must be unique");
  for (const [name, prop] of Object.entries(s.properties ?? {}))
    checkSchema(doc, prop, [...at, "properties", name], report, new Set());
  if (s.items) checkSchema(doc, s.items, [...at, "items"], report, new Set());
  if (s.type === "array" && !s.items) report(at, "an array needs items");

  if (s.default !== undefined && kinds === 1 && problemsAreResolvable(doc, s)) {
    const schema = toJsonSchema(toNode({ ...s, nullable: s.nullable ?? false }, doc), buildSchemaModel(doc));
    delete schema.default;
    const result = validatorFor(schema)(s.default);
    if (!result.ok)
      report(
        [...at, "default"],
        `the default ${JSON.stringify(s.default)} does not satisfy its own schema (${result.problem.message.replace(/^arguments: /, "")})`,
      );
  }
}

// One ajv for the whole check, and one compiled validator per distinct schema: compiling is most
// of the cost of loading the spec.
const sharedAjv = createAjv();
const validators = new Map<string, (value: unknown) => ReturnType<ReturnType<typeof compileInputValidator>>>();
function validatorFor(schema: object): (value: unknown) => ReturnType<ReturnType<typeof compileInputValidator>> {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    validator = compileInputValidator(sharedAjv, schema);
    validators.set(key, validator);
  }
  return validator;
}

function problemsAreResolvable(doc: SpecDocument, s: SpecSchema): boolean {
  return s.ref === undefined || s.ref in doc.types;
}

function checkBounds(s: { minimum?: number; maximum?: number }, at: Path, report: (p: Path, m: string) => void): void {
  if (s.minimum !== undefined && s.maximum !== undefined && s.minimum > s.maximum)
    report([...at, "minimum"], "minimum is greater than maximum");
  for (const key of ["minimum", "maximum"] as const) {
    const v = s[key];
    if (v !== undefined && !Number.isSafeInteger(v)) report([...at, key], "must be a safe integer");
  }
}

function checkExamples(doc: SpecDocument, report: (p: Path, m: string) => void): void {
  const model = buildSchemaModel(doc);
  for (const [name, tool] of Object.entries(doc.tools)) {
    const checkInput = validatorFor(toJsonSchema(toNode({ ...tool.input, type: "object" }, doc), model));
    const checkOutput = validatorFor(toJsonSchema(toNode(implicitObject(tool.output), doc), model));
    let successes = 0;
    let failures = 0;
    tool.examples.forEach((example, i) => {
      const at: Path = ["tools", name, "examples", i];
      const input = checkInput(example.request);
      const outcomes = [example.result, example.error].filter((o) => o !== undefined).length;
      if (outcomes !== 1) report(at, "an example needs exactly one of result or error");
      if (example.result !== undefined) {
        successes++;
        if (!input.ok)
          report([...at, "request"], `the request does not match the input schema: ${input.problem.message}`);
        const output = checkOutput(example.result);
        if (!output.ok)
          report(
            [...at, "result", ...pathParts(output.problem.parameter)],
            `the result does not match the output schema: ${output.problem.message.replace(/^arguments/, "result")}`,
          );
      }
      const error = example.error;
      if (error === undefined) return;
      failures++;
      if ("errorCode" in error) {
        const def = doc.errors.execution[error.errorCode];
        if (!def) return report([...at, "error", "errorCode"], `"${error.errorCode}" is not in errors.execution`);
        if (!tool.errors.includes(error.errorCode))
          report([...at, "error", "errorCode"], `${name} does not list ${error.errorCode} in its errors`);
        if (!input.ok)
          report([...at, "request"], `an execution error example needs a valid request: ${input.problem.message}`);
        const fields = error.fields ?? {};
        for (const [field, fieldDef] of Object.entries(def.fields ?? {})) {
          if (!(field in fields) && !fieldDef.optional)
            report([...at, "error"], `${error.errorCode} carries ${field}; the example has none`);
        }
        for (const [field, value] of Object.entries(fields)) {
          const fieldDef = def.fields?.[field];
          if (!fieldDef) report([...at, "error", "fields", field], `${error.errorCode} has no field ${field}`);
          else if (!validatorFor(toJsonSchema(toNode(fieldDef, doc), model))(value).ok)
            report([...at, "error", "fields", field], `does not match the field's definition`);
        }
        if (!templateRegExp(def.message).test(error.text))
          report([...at, "error", "text"], `does not follow the message template "${def.message}"`);
      } else {
        const def = Object.values(doc.errors.protocol).find((p) => p.code === error.code);
        if (!def) return report([...at, "error", "code"], `${error.code} is not in errors.protocol`);
        if (error.code === doc.errors.protocol.invalid_params?.code) {
          if (input.ok)
            report([...at, "request"], "an invalid_params example needs a request the input schema refuses");
          else if (
            error.data?.parameter !== input.problem.parameter ||
            error.data.rule !== input.problem.rule ||
            error.data.message !== input.problem.message
          ) {
            report([...at, "error", "data"], `the validator reports ${JSON.stringify(input.problem)}`);
          }
        }
      }
    });
    if (successes === 0) report(["tools", name, "examples"], "needs at least one success example (with result)");
    if (failures === 0) report(["tools", name, "examples"], "needs at least one error example");
  }
}

function pathParts(parameter: string): Path {
  return parameter === ""
    ? []
    : parameter
        .split(/\.|\[(\d+)\]/)
        .filter((p) => p !== undefined && p !== "")
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function templateRegExp(template: string): RegExp {
  const escaped = template
    .split(PLACEHOLDER)
    .filter((_, index) => index % 3 === 0)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("[\\s\\S]+")}$`);
}

/** An object type, or one extending an object type (read_email's email_message extends message_summary). */
function isObjectType(doc: SpecDocument, name: string, seen = new Set<string>()): boolean {
  const type = doc.types[name];
  if (type === undefined || seen.has(name)) return false;
  if (type.type === "object") return true;
  seen.add(name);
  return type.type === undefined && type.extends !== undefined && isObjectType(doc, type.extends, seen);
}

// Boundary cases for every input constraint of every tool: the values just inside and just outside
// each bound, derived from the spec alone, so that the conformance runner and the schema-agreement
// tests probe every validator (JSON Schema, zod, TypeBox, the server) at the same edges.
import type { GenContext, GeneratedFile } from "../context.js";
import type { ObjectNode, SchemaModel, SchemaNode } from "../schema/ir.js";
import type { ToolModel } from "../schema/tools.js";
import type { CaseExpectation, ConformanceCase, ConformanceCaseFile } from "../runtime/conformance-case-types.js";
import { BASE64_OF_BYTES } from "../runtime/large-values.js";

export type { CaseExpectation, ConformanceCase, ConformanceCaseFile };

/**
 * Named id types the runner substitutes with real ids, and the execution error a well-formed id
 * that names nothing gets (so a case that varies the id itself expects that error, not success).
 */
const ID_TYPES: Readonly<Record<string, { placeholder: string; unknownIdError: string }>> = {
  inbox_id: { placeholder: "inbox", unknownIdError: "inbox_not_found" },
  message_id: { placeholder: "message", unknownIdError: "message_not_found" },
};

const SEND_SCOPE = "send:email";
/** Drafting writes into the inbox under test, though it sends nothing: a runner asks before it does. */
const DRAFT_SCOPE = "draft:email";

/**
 * Limits on decoded attachment bytes that no schema can express, with the execution error that
 * enforces each (decision seed-errors-not-preempted). The limit's name starts with the parameter.
 */
const DECODED_BYTE_LIMITS = [{ limit: "attachments_max_total_bytes", errorCode: "attachment_too_large" }] as const;

interface NearMiss {
  variant: string;
  value: string;
  description: string;
}

/** What the generator knows about each spec format: a valid value and values that just miss it. */
interface FormatKnowledge {
  valid: string;
  invalid(seed: string): NearMiss[];
  /** Grows a valid seed to exactly `length` code points while keeping it valid. */
  fit?(seed: string, length: number): string | undefined;
  /** Non-ASCII text would break the format, so no astral-character length case. */
  asciiOnly?: boolean;
}

const FORMATS: Readonly<Record<string, FormatKnowledge>> = {
  uuid: {
    valid: "00000000-0000-0000-0000-000000000000",
    invalid: (seed) => [
      { variant: "one_digit_short", value: seed.slice(0, -1), description: "one hexadecimal digit short of a UUID" },
      {
        variant: "non_hex_digit",
        value: `${seed.slice(0, -1)}g`,
        description: "a UUID whose last digit is not hexadecimal",
      },
      { variant: "no_hyphens", value: seed.replaceAll("-", ""), description: "a UUID without its hyphens" },
    ],
  },
  base64: {
    valid: "aGk=",
    invalid: () => [
      { variant: "outside_alphabet", value: "not base64!", description: "characters outside the base64 alphabet" },
      { variant: "padding_inside", value: "aG=k", description: "base64 with = padding before its end" },
    ],
  },
  "date-time": {
    valid: "2026-01-01T00:00:00.000Z",
    invalid: (seed) => [
      {
        variant: "space_separator",
        value: seed.replace("T", " "),
        description: "a date and time separated by a space instead of T",
      },
      { variant: "no_zone", value: seed.replace(/Z$/, ""), description: "a date and time without the Z zone" },
    ],
  },
  email: {
    valid: "someone@example.com",
    invalid: () => [
      { variant: "not_an_address", value: "bob at example dot com", description: "text that is not an address" },
      { variant: "no_domain", value: "alice@", description: "an address without a domain" },
    ],
    // A display name is the only part of an address that can be long and still valid; words, not
    // one long atom, so that the header can be folded.
    fit: (seed, length) => {
      const nameLength = length - codePointLength(seed) - 3;
      if (nameLength < 1 || seed.includes("<")) return undefined;
      return `${words(nameLength)} <${seed}>`;
    },
    asciiOnly: true,
  },
};

type Segment = string | number;
type Path = readonly Segment[];
type ResolvedNode = Exclude<SchemaNode, { kind: "ref" }>;

/** A parameter position: a property of an object or the first item of an array. */
interface Slot {
  path: Path;
  node: SchemaNode;
  schema: ResolvedNode;
  /** Only properties can be required; array items are positions, not parameters one can omit. */
  required: boolean;
  isProperty: boolean;
  /** Marks the end of an object's slots, where its unknown-parameter case goes. */
  closing?: true;
}

const OMIT = Symbol("omit");
/** Keeps the value at the path when there is one, else puts a valid sample there. */
const KEEP_OR_SAMPLE = Symbol("keep or sample");

export function emitConformanceCases(ctx: GenContext): GeneratedFile {
  return { path: "conformance/cases.json", content: `${JSON.stringify(buildConformanceCases(ctx), null, 2)}\n` };
}

export function buildConformanceCases(ctx: GenContext): ConformanceCaseFile {
  const samples = new SamplePool(ctx);
  return {
    specVersion: ctx.doc.spec_version,
    specSha256: ctx.spec.sha256,
    largeValueDescriptors: {
      [BASE64_OF_BYTES]: `replace the object {"${BASE64_OF_BYTES}": N} with a base64 string encoding N bytes`,
    },
    cases: ctx.tools.flatMap((tool) => new ToolCases(ctx, tool, samples).build()),
  };
}

class ToolCases {
  private readonly cases: ConformanceCase[] = [];
  private readonly base: Record<string, unknown>;
  private readonly slots: Slot[];
  private readonly model: SchemaModel;

  constructor(
    private readonly ctx: GenContext,
    private readonly tool: ToolModel,
    private readonly samples: SamplePool,
  ) {
    this.model = ctx.model;
    const firstSuccess = tool.examples.find((e) => e.result !== undefined);
    this.base =
      structuredClone(firstSuccess?.request) ?? (samples.sample(tool.name, [], tool.input) as Record<string, unknown>);
    this.slots = [...slotsOf(tool.input, this.model, [])];
  }

  build(): ConformanceCase[] {
    for (const slot of this.slots) {
      if (!slot.closing) this.slotCases(slot);
      else if (slot.schema.kind === "object") this.unknownParameterCase(slot.path, slot.schema, slot.node);
    }
    this.unknownParameterCase([], this.tool.input);
    this.decodedByteLimitCases();
    return this.cases;
  }

  private slotCases(slot: Slot): void {
    const name = pathToParameter(slot.path);
    const seed = this.seedAt(slot);
    if (slot.required) {
      this.add(
        slot.path,
        "required",
        "missing",
        `${name} left out`,
        this.argsWith(slot.path, OMIT),
        invalid(name, "required"),
      );
    } else if (slot.isProperty && valueAt(this.base, slot.path) !== undefined) {
      this.add(slot.path, "required", "optional_omitted", `optional ${name} left out`, this.argsWith(slot.path, OMIT));
    }
    this.typeCases(slot, seed);
    const schema = slot.schema;
    switch (schema.kind) {
      case "string":
        return this.stringCases(slot, schema, typeof seed === "string" ? seed : "");
      case "integer":
        return this.integerCases(slot, schema);
      case "array":
        return this.arrayCases(slot, schema);
      case "object":
      case "boolean":
        return;
    }
  }

  private typeCases(slot: Slot, seed: unknown): void {
    const name = pathToParameter(slot.path);
    const firstItem = () =>
      valueAt(seed, [0]) ?? this.samples.sample(this.tool.name, [...slot.path, 0], itemsOf(slot.schema));
    const wrong = wrongTypeValues(slot.schema, seed, firstItem);
    for (const { variant, value, description } of wrong) {
      this.add(
        slot.path,
        "type",
        variant,
        `${name} as ${description}`,
        this.argsWith(slot.path, value),
        invalid(name, "type"),
      );
    }
    if (slot.schema.meta.nullable || slot.node.meta.nullable)
      this.add(slot.path, "type", "null_allowed", `${name} as null, which it allows`, this.argsWith(slot.path, null));
    else this.add(slot.path, "type", "null", `${name} as null`, this.argsWith(slot.path, null), invalid(name, "type"));
  }

  private stringCases(slot: Slot, schema: Extract<SchemaNode, { kind: "string" }>, seed: string): void {
    const name = pathToParameter(slot.path);
    const put = (value: string) => this.argsWith(slot.path, value);
    if (schema.enum) {
      for (const value of schema.enum)
        this.add(slot.path, "enum", value, `${name} = ${JSON.stringify(value)}, one of its values`, put(value));
      const bad = [swapCase(schema.enum[0] ?? ""), `${schema.enum[0] ?? ""}_`].find(
        (v) => !schema.enum?.includes(v) && fitsStringBounds(schema, v),
      );
      if (bad !== undefined)
        this.add(
          slot.path,
          "enum",
          "bad",
          `${name} = ${JSON.stringify(bad)}, not one of ${schema.enum.join(", ")}`,
          put(bad),
          invalid(name, "enum"),
        );
    }
    const lengthCase = (
      bound: "min_length" | "max_length",
      variant: string,
      length: number,
      limit: number,
      astral: boolean,
    ) => {
      const value = this.stringOfLength(schema, seed, length, astral);
      if (value === undefined) return;
      const inside = length >= (schema.minLength ?? 0) && length <= (schema.maxLength ?? Infinity);
      const offset = length === limit ? "" : length < limit ? ` - ${limit - length}` : ` + ${length - limit}`;
      const made = astral ? ` made of astral characters (${length} code points, ${value.length} UTF-16 units)` : "";
      this.add(
        slot.path,
        bound,
        variant,
        `${name} of ${plural(length, "character")}${made} (${bound} ${limit}${offset})`,
        put(value),
        inside ? undefined : invalid(name, bound),
      );
    };
    if (!schema.enum && schema.minLength !== undefined && schema.minLength > 0) {
      lengthCase("min_length", "below", schema.minLength - 1, schema.minLength, false);
      lengthCase("min_length", "at", schema.minLength, schema.minLength, false);
    }
    if (!schema.enum && schema.maxLength !== undefined) {
      lengthCase("max_length", "at", schema.maxLength, schema.maxLength, false);
      lengthCase("max_length", "above", schema.maxLength + 1, schema.maxLength, false);
      lengthCase("max_length", "at_astral", schema.maxLength, schema.maxLength, true);
    }
    if (schema.pattern !== undefined) {
      const pattern = new RegExp(schema.pattern, "u");
      const broken = patternNearMisses(seed).find((v) => !pattern.test(v) && fitsStringBounds(schema, v));
      if (broken !== undefined) {
        this.add(
          slot.path,
          "pattern",
          "mismatch",
          `${name} = ${JSON.stringify(broken)}, not matching ${schema.pattern}`,
          put(broken),
          invalid(name, "pattern"),
        );
      }
    }
    const format = schema.format;
    const knowledge = format && FORMATS[format.name];
    if (format && knowledge) {
      const schemaChecked = format.checkedBy === "schema";
      for (const miss of knowledge.invalid(seed || knowledge.valid)) {
        if (!fitsStringBounds(schema, miss.value)) continue;
        if (schemaChecked && format.pattern !== undefined && new RegExp(format.pattern, "u").test(miss.value)) continue;
        const expectation: CaseExpectation = schemaChecked
          ? invalid(name, "format")
          : { outcome: "execution_error", errorCode: format.checkedBy, parameter: name };
        const checkedBy = schemaChecked ? "the schema" : `the server (${format.checkedBy})`;
        this.add(
          slot.path,
          "format",
          miss.variant,
          `${name} = ${JSON.stringify(miss.value)}: ${miss.description}, which ${checkedBy} refuses as ${format.name}`,
          put(miss.value),
          expectation,
        );
      }
    }
  }

  private integerCases(slot: Slot, schema: Extract<SchemaNode, { kind: "integer" }>): void {
    const name = pathToParameter(slot.path);
    const put = (value: number) => this.argsWith(slot.path, value);
    const { minimum, maximum } = schema;
    if (minimum !== undefined) {
      this.add(
        slot.path,
        "minimum",
        "below",
        `${name} = ${minimum - 1} (minimum ${minimum} - 1)`,
        put(minimum - 1),
        invalid(name, "minimum"),
      );
      this.add(slot.path, "minimum", "at", `${name} = ${minimum} (minimum ${minimum})`, put(minimum));
    }
    if (maximum !== undefined) {
      this.add(slot.path, "maximum", "at", `${name} = ${maximum} (maximum ${maximum})`, put(maximum));
      this.add(
        slot.path,
        "maximum",
        "above",
        `${name} = ${maximum + 1} (maximum ${maximum} + 1)`,
        put(maximum + 1),
        invalid(name, "maximum"),
      );
    }
  }

  private arrayCases(slot: Slot, schema: Extract<SchemaNode, { kind: "array" }>): void {
    const name = pathToParameter(slot.path);
    const item =
      valueAt(this.base, [...slot.path, 0]) ?? this.samples.sample(this.tool.name, [...slot.path, 0], schema.items);
    const sized = (bound: "min_items" | "max_items", variant: string, count: number, limit: number) => {
      const inside = count >= (schema.minItems ?? 0) && count <= (schema.maxItems ?? Infinity);
      const offset = count === limit ? "" : count < limit ? ` - ${limit - count}` : ` + ${count - limit}`;
      const items = Array.from({ length: count }, () => structuredClone(item));
      this.add(
        slot.path,
        bound,
        variant,
        `${name} with ${plural(count, "item")} (${bound} ${limit}${offset})`,
        this.argsWith(slot.path, items),
        inside ? undefined : invalid(name, bound),
      );
    };
    if (schema.minItems !== undefined && schema.minItems > 0) {
      sized("min_items", "below", schema.minItems - 1, schema.minItems);
      sized("min_items", "at", schema.minItems, schema.minItems);
    }
    if (schema.maxItems !== undefined) {
      sized("max_items", "at", schema.maxItems, schema.maxItems);
      sized("max_items", "above", schema.maxItems + 1, schema.maxItems);
    }
  }

  /** A misspelt parameter is refused, not ignored (decision unknown-parameters). */
  private unknownParameterCase(path: Path, schema: ObjectNode, node: SchemaNode = schema): void {
    const names = new Set(schema.properties.map((p) => p.name));
    // camelCase is the misspelling agents make most: inboxId for inbox_id.
    const camel = schema.properties
      .map((p) => p.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()))
      .find((n) => !names.has(n));
    const extra = camel ?? ["unknown_parameter", "unknown_parameter_2"].find((n) => !names.has(n)) ?? "x";
    const container = valueAt(this.base, path) ?? this.samples.sample(this.tool.name, path, node);
    const widened = { ...(container as Record<string, unknown>), [extra]: true };
    const parameter = pathToParameter([...path, extra]);
    const where = path.length === 0 ? "the arguments" : pathToParameter(path);
    const args = path.length === 0 ? widened : this.argsWith(path, widened);
    this.add(
      [...path, extra],
      "unknown_parameter",
      camel ? "camel_case" : "extra",
      `${where} with an extra ${JSON.stringify(extra)}, not a parameter`,
      args,
      invalid(parameter, "unknown_parameter"),
    );
  }

  /** The attachment size limit is in decoded bytes, which only the server can count. */
  private decodedByteLimitCases(): void {
    for (const { limit, errorCode } of DECODED_BYTE_LIMITS) {
      const maxBytes = this.ctx.doc.limits[limit];
      const parameter = limit.replace(/_max_total_bytes$/, "");
      if (maxBytes === undefined || !this.tool.spec.errors.includes(errorCode)) continue;
      const property = this.tool.input.properties.find((p) => p.name === parameter);
      const array = property && this.model.resolve(property.node);
      const itemSchema = array?.kind === "array" ? this.model.resolve(array.items) : undefined;
      const dataField =
        itemSchema?.kind === "object"
          ? itemSchema.properties.find((p) => formatOf(p.node, this.model) === "base64")
          : undefined;
      if (!array || array.kind !== "array" || !dataField) continue;
      const template = (valueAt(this.base, [parameter, 0]) ??
        this.samples.sample(this.tool.name, [parameter, 0], array.items)) as Record<string, unknown>;
      const items = (...sizes: number[]) =>
        sizes.map((bytes) => ({ ...template, [dataField.name]: { [BASE64_OF_BYTES]: bytes } }));
      const tooLarge: CaseExpectation = { outcome: "execution_error", errorCode };
      const half = Math.floor((maxBytes + 1) / 2);
      this.add(
        [parameter],
        limit,
        "at",
        `one attachment of exactly ${maxBytes} decoded bytes (limits.${limit})`,
        this.argsWith([parameter], items(maxBytes)),
      );
      this.add(
        [parameter],
        limit,
        "above",
        `one attachment of ${maxBytes + 1} decoded bytes (limits.${limit} + 1)`,
        this.argsWith([parameter], items(maxBytes + 1)),
        tooLarge,
      );
      this.add(
        [parameter],
        limit,
        "above_in_total",
        `two attachments of ${half} and ${maxBytes + 1 - half} decoded bytes, ${maxBytes + 1} in total (limits.${limit} + 1)`,
        this.argsWith([parameter], items(half, maxBytes + 1 - half)),
        tooLarge,
      );
    }
  }

  /** A string of exactly `length` code points that breaks no other rule of the schema, or undefined. */
  private stringOfLength(
    schema: Extract<SchemaNode, { kind: "string" }>,
    seed: string,
    length: number,
    astral: boolean,
  ): string | undefined {
    const knowledge = schema.format ? FORMATS[schema.format.name] : undefined;
    if (astral && knowledge?.asciiOnly) return undefined;
    const fill = astral ? (n: number) => "😀".repeat(n) : letters;
    const patterns = [schema.pattern, schema.format?.checkedBy === "schema" ? schema.format.pattern : undefined]
      .filter((p): p is string => p !== undefined)
      .map((p) => new RegExp(p, "u"));
    const validSeed = seed || knowledge?.valid || "";
    const candidates = knowledge?.fit
      ? [knowledge.fit(validSeed, length)]
      : [fill(length), ...growOrShrink(validSeed, length, fill)];
    return candidates.find(
      (c): c is string => c !== undefined && codePointLength(c) === length && patterns.every((p) => p.test(c)),
    );
  }

  /** The value a position has in the base arguments, or would have once its containers are built. */
  private seedAt(slot: Slot): unknown {
    return valueAt(this.argsWith(slot.path, KEEP_OR_SAMPLE), slot.path);
  }

  /** The base arguments with one value replaced (or left out), building any missing containers. */
  private argsWith(path: Path, value: unknown): Record<string, unknown> {
    const args = structuredClone(this.base);
    let container: Record<string | number, unknown> = args;
    let node: SchemaNode = this.tool.input;
    for (const [i, segment] of path.entries()) {
      const resolved = this.model.resolve(node);
      const childNode = childOf(resolved, segment);
      if (i === path.length - 1) {
        if (value === OMIT) {
          if (Array.isArray(container)) container.splice(Number(segment), 1);
          else delete container[segment];
        } else if (value === KEEP_OR_SAMPLE) {
          container[segment] ??= this.samples.sample(this.tool.name, path, childNode);
        } else {
          container[segment] = value;
        }
        break;
      }
      if (container[segment] === undefined)
        container[segment] = this.samples.sample(this.tool.name, path.slice(0, i + 1), childNode);
      const child = container[segment] as Record<string | number, unknown>;
      const next = path[i + 1];
      if (Array.isArray(child) && typeof next === "number") {
        while (child.length <= next)
          child.push(
            this.samples.sample(
              this.tool.name,
              [...path.slice(0, i + 1), child.length],
              itemsOf(this.model.resolve(childNode)),
            ),
          );
      }
      container = child;
      node = childNode;
    }
    return args;
  }

  private add(
    path: Path,
    constraint: string,
    variant: string,
    description: string,
    args: Record<string, unknown>,
    expectation?: CaseExpectation,
  ): void {
    const placeholders: Record<string, string> = {};
    let expect: CaseExpectation = expectation ?? { outcome: "valid" };
    for (const slot of this.slots) {
      if (slot.closing) continue;
      const idType = slot.node.kind === "ref" ? ID_TYPES[slot.node.target] : undefined;
      const value = valueAt(args, slot.path);
      if (!idType || value === undefined) continue;
      if (JSON.stringify(value) === JSON.stringify(valueAt(this.base, slot.path)))
        placeholders[pathToParameter(slot.path)] = idType.placeholder;
      else if (expect.outcome === "valid" && this.tool.spec.errors.includes(idType.unknownIdError))
        expect = { outcome: "execution_error", errorCode: idType.unknownIdError };
    }
    const parameter = pathToParameter(path);
    this.cases.push({
      id: `${this.tool.name}.${parameter}.${constraint}.${variant}`,
      tool: this.tool.name,
      parameter,
      constraint,
      description,
      arguments: args,
      placeholders,
      effects: this.tool.spec.annotations.readOnlyHint
        ? "read"
        : this.tool.spec.scope === SEND_SCOPE
          ? "send"
          : this.tool.spec.scope === DRAFT_SCOPE
            ? "write"
            : "read",
      expect,
    });
  }
}

/**
 * Valid values for schema positions, taken first from the spec's example requests (where a pattern
 * such as a media type's is satisfied by a real value), then from defaults, then generated.
 */
class SamplePool {
  private readonly byPosition = new Map<string, unknown>();
  private readonly byType = new Map<string, unknown>();

  constructor(private readonly ctx: GenContext) {
    // Requests of examples that fail because of their values (-32602, or a format's execution
    // error such as invalid_recipient) would seed the cases with bad values.
    const valueErrors = new Set(Object.values(ctx.doc.formats).map((f) => f.checked_by));
    for (const tool of ctx.tools) {
      for (const example of tool.examples) {
        const error = example.error;
        if (error && (!("errorCode" in error) || valueErrors.has(error.errorCode))) continue;
        this.record(tool.name, [], tool.input, example.request);
      }
    }
  }

  sample(tool: string, path: Path, node: SchemaNode): unknown {
    const known =
      this.byPosition.get(positionKey(tool, path)) ?? (node.kind === "ref" ? this.byType.get(node.target) : undefined);
    if (known !== undefined) return structuredClone(known);
    if (node.meta.default !== undefined) return structuredClone(node.meta.default.value);
    const schema = this.ctx.model.resolve(node);
    switch (schema.kind) {
      case "string":
        return this.generateString(tool, path, schema);
      case "integer":
        return Math.min(Math.max(0, schema.minimum ?? 0), schema.maximum ?? Infinity);
      case "boolean":
        return false;
      case "array":
        return Array.from({ length: schema.minItems ?? 0 }, (_, i) => this.sample(tool, [...path, i], schema.items));
      case "object":
        return Object.fromEntries(
          schema.properties
            .filter((p) => p.required)
            .map((p) => [p.name, this.sample(tool, [...path, p.name], p.node)]),
        );
    }
  }

  private generateString(tool: string, path: Path, schema: Extract<SchemaNode, { kind: "string" }>): string {
    if (schema.enum?.[0] !== undefined) return schema.enum[0];
    const candidate =
      (schema.format && FORMATS[schema.format.name]?.valid) ?? letters(Math.max(schema.minLength ?? 0, 1));
    const patterns = [schema.pattern, schema.format?.checkedBy === "schema" ? schema.format.pattern : undefined].filter(
      (p): p is string => p !== undefined,
    );
    if (fitsStringBounds(schema, candidate) && patterns.every((p) => new RegExp(p, "u").test(candidate)))
      return candidate;
    throw new Error(
      `conformance cases: no valid value known for ${tool} ${pathToParameter(path)}; give it a value in one of the spec's example requests`,
    );
  }

  private record(tool: string, path: Path, node: SchemaNode, value: unknown): void {
    if (value === undefined) return;
    const key = positionKey(tool, path);
    if (!this.byPosition.has(key)) this.byPosition.set(key, value);
    if (node.kind === "ref" && !this.byType.has(node.target)) this.byType.set(node.target, value);
    const schema = this.ctx.model.resolve(node);
    if (schema.kind === "array" && Array.isArray(value))
      value.forEach((item, i) => this.record(tool, [...path, i], schema.items, item));
    if (schema.kind === "object" && value !== null && typeof value === "object") {
      for (const p of schema.properties)
        this.record(tool, [...path, p.name], p.node, (value as Record<string, unknown>)[p.name]);
    }
  }
}

/** Array indices collapse, so a value recorded for to[1] also serves to[0]. */
function positionKey(tool: string, path: Path): string {
  return `${tool}:${path.map((s) => (typeof s === "number" ? "[]" : s)).join(".")}`;
}

function* slotsOf(object: ObjectNode, model: SchemaModel, prefix: Path): Generator<Slot> {
  for (const property of object.properties) {
    yield* slotAndChildren(
      {
        path: [...prefix, property.name],
        node: property.node,
        schema: model.resolve(property.node),
        required: property.required,
        isProperty: true,
      },
      model,
    );
  }
}

function* slotAndChildren(slot: Slot, model: SchemaModel): Generator<Slot> {
  yield slot;
  if (slot.schema.kind === "array") {
    const items = slot.schema.items;
    yield* slotAndChildren(
      { path: [...slot.path, 0], node: items, schema: model.resolve(items), required: false, isProperty: false },
      model,
    );
  }
  if (slot.schema.kind === "object") {
    yield* slotsOf(slot.schema, model, slot.path);
    yield { ...slot, closing: true };
  }
}

function childOf(schema: ResolvedNode, segment: Segment): SchemaNode {
  if (schema.kind === "array" && typeof segment === "number") return schema.items;
  if (schema.kind === "object") {
    const property = schema.properties.find((p) => p.name === segment);
    if (property) return property.node;
  }
  throw new Error(`no schema position ${String(segment)} in a ${schema.kind}`);
}

function itemsOf(schema: ResolvedNode): SchemaNode {
  return schema.kind === "array" ? schema.items : schema;
}

function formatOf(node: SchemaNode, model: SchemaModel): string | undefined {
  const schema = model.resolve(node);
  return schema.kind === "string" ? schema.format?.name : undefined;
}

/** A value of another JSON type that a careless validator might still accept. */
function wrongTypeValues(
  schema: ResolvedNode,
  seed: unknown,
  firstItem: () => unknown,
): { variant: string; value: unknown; description: string }[] {
  switch (schema.kind) {
    case "string":
      return [{ variant: "number", value: 42, description: "the number 42" }];
    case "integer": {
      const n = typeof seed === "number" ? seed : (schema.minimum ?? 0);
      const fraction = n + 0.5 <= (schema.maximum ?? Infinity) ? n + 0.5 : n - 0.5;
      return [
        { variant: "numeric_string", value: String(n), description: `the string "${n}"` },
        { variant: "fraction", value: fraction, description: `the non-integer ${fraction}` },
      ];
    }
    case "boolean": {
      const b = typeof seed === "boolean" ? seed : true;
      return [{ variant: "string", value: String(b), description: `the string "${b}"` }];
    }
    case "array":
      return [{ variant: "bare_item", value: firstItem(), description: "a single item instead of an array" }];
    case "object":
      return [{ variant: "array", value: [seed], description: "an array holding the object" }];
  }
}

function patternNearMisses(seed: string): string[] {
  const middle = Math.floor(codePointLength(seed) / 2);
  const chars = [...seed];
  return [[...chars.slice(0, middle), " ", ...chars.slice(middle)].join(""), `${seed} `, ` ${seed}`, "", "!"];
}

/** Pads or cuts a seed to `length` code points, at either end, so that a pattern anchored on one end still holds. */
function growOrShrink(seed: string, length: number, fill: (n: number) => string): string[] {
  const chars = [...seed];
  if (chars.length >= length) return [chars.slice(0, length).join(""), chars.slice(chars.length - length).join("")];
  const missing = length - chars.length;
  return [seed + fill(missing), fill(missing) + seed];
}

function fitsStringBounds(schema: Extract<SchemaNode, { kind: "string" }>, value: string): boolean {
  const length = codePointLength(value);
  return length >= (schema.minLength ?? 0) && length <= (schema.maxLength ?? Infinity);
}

function swapCase(text: string): string {
  const lower = text.toLowerCase();
  return lower !== text ? lower : text.toUpperCase();
}

function invalid(parameter: string, rule: string): CaseExpectation {
  return { outcome: "invalid_params", parameter, rule };
}

function letters(n: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join("");
}

/** n characters of space-separated ASCII words, never starting or ending with a space. */
function words(n: number): string {
  const text = Array.from({ length: n }, (_, i) => "abcdefghi "[i % 10]).join("");
  return text.endsWith(" ") ? `${text.slice(0, -1)}a` : text;
}

function codePointLength(text: string): number {
  return [...text].length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function pathToParameter(path: Path): string {
  return path.reduce<string>(
    (text, s) => (typeof s === "number" ? `${text}[${s}]` : text === "" ? s : `${text}.${s}`),
    "",
  );
}

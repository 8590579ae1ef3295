// IR -> TypeBox schemas (for Fastify routes and TypeBox's compiled checks). TypeBox's format
// checks need registered formats, so formats are expressed through their patterns instead.
import type { GenContext, GeneratedFile } from "../context.js";
import { dependencyOrder, pascalCase, type SchemaNode } from "../schema/ir.js";
import { exportConst, literal, tsFile } from "./ts-file.js";
import { stringChecks } from "./validator-strings.js";

function options(entries: Record<string, unknown>): string {
  const defined = Object.entries(entries).filter(([, v]) => v !== undefined);
  return defined.length === 0 ? "" : literal(Object.fromEntries(defined));
}

export function typeboxExpression(node: SchemaNode, withAnnotations = true): string {
  const annotations =
    withAnnotations && !node.meta.nullable
      ? { description: node.meta.description, default: node.meta.default?.value }
      : {};
  let expr: string;
  switch (node.kind) {
    case "string": {
      if (node.enum) {
        expr = `Type.Union([${node.enum.map((v) => `Type.Literal(${literal(v)})`).join(", ")}]${annotationsArg(annotations)})`;
        break;
      }
      const checks = stringChecks(node);
      const pattern = checks.pattern?.source ?? checks.codePointLength?.source;
      if (checks.pattern && checks.codePointLength)
        throw new Error("a string with a pattern must keep its length in code units");
      expr = `Type.String(${options({ minLength: checks.codeUnitLength?.min, maxLength: checks.codeUnitLength?.max, pattern, ...annotations })})`;
      break;
    }
    case "integer":
      expr = `Type.Integer(${options({ minimum: node.minimum, maximum: node.maximum, ...annotations })})`;
      break;
    case "boolean":
      expr = `Type.Boolean(${options(annotations)})`;
      break;
    case "array":
      expr = `Type.Array(${typeboxExpression(node.items)}${annotationsArg({ minItems: node.minItems, maxItems: node.maxItems, ...annotations })})`;
      break;
    case "object": {
      const members = node.properties.map((p) => {
        const inner = typeboxExpression(p.node);
        return `${JSON.stringify(p.name)}: ${p.required ? inner : `Type.Optional(${inner})`}`;
      });
      expr = `Type.Object({\n${members.join(",\n")}\n}, ${options({ additionalProperties: false, ...annotations })})`;
      break;
    }
    case "ref":
      // Annotations on a reference only matter to readers of the JSON Schema, which json-schema.ts inlines.
      expr = pascalCase(node.target);
      break;
  }
  if (node.meta.nullable) {
    const nullAnnotations = withAnnotations
      ? { description: node.meta.description, default: node.meta.default?.value }
      : {};
    expr = `Type.Union([${node.kind === "ref" ? pascalCase(node.target) : expr}, Type.Null()]${annotationsArg(nullAnnotations)})`;
  }
  return expr;
}

function annotationsArg(entries: Record<string, unknown>): string {
  const text = options(entries);
  return text === "" ? "" : `, ${text}`;
}

export function emitTypebox(ctx: GenContext): GeneratedFile {
  return tsFile(ctx, "src/typebox.ts", (file) => {
    file.addImportDeclaration({ moduleSpecifier: "@sinclair/typebox", namedImports: ["Type"] });
    const constant = (name: string, initializer: string) => exportConst(file, name, initializer);
    for (const name of dependencyOrder(ctx.model)) {
      const node = ctx.model.types.get(name);
      if (node) constant(pascalCase(name), typeboxExpression(node));
    }
    for (const tool of ctx.tools) {
      constant(`${tool.typeName}Input`, typeboxExpression(tool.input));
      constant(`${tool.typeName}Output`, typeboxExpression(tool.output));
    }
    const record = (suffix: string) => `{\n${ctx.tools.map((t) => `${t.name}: ${t.typeName}${suffix}`).join(",\n")}\n}`;
    constant("toolInputSchemas", record("Input"));
    constant("toolOutputSchemas", record("Output"));
  });
}

// IR -> zod 4 schemas for every named type and every tool input and output.
import type { GenContext, GeneratedFile } from "../context.js";
import { camelCase, dependencyOrder, type SchemaNode } from "../schema/ir.js";
import { exportConst, literal, tsFile } from "./ts-file.js";
import { stringChecks } from "./validator-strings.js";

export const zodName = (type: string) => `${camelCase(type)}Schema`;

export function zodExpression(node: SchemaNode): string {
  let expr: string;
  switch (node.kind) {
    case "string": {
      if (node.enum) {
        expr = `z.enum(${literal(node.enum)})`;
        break;
      }
      const checks = stringChecks(node);
      expr = "z.string()";
      if (checks.codeUnitLength?.min !== undefined) expr += `.min(${checks.codeUnitLength.min})`;
      if (checks.codeUnitLength?.max !== undefined) expr += `.max(${checks.codeUnitLength.max})`;
      for (const check of [checks.pattern, checks.codePointLength]) {
        if (check) expr += `.regex(new RegExp(${literal(check.source)}), { error: ${literal(check.message)} })`;
      }
      break;
    }
    case "integer":
      expr = "z.int()";
      if (node.minimum !== undefined) expr += `.min(${node.minimum})`;
      if (node.maximum !== undefined) expr += `.max(${node.maximum})`;
      break;
    case "boolean":
      expr = "z.boolean()";
      break;
    case "array":
      expr = `z.array(${zodExpression(node.items)})`;
      if (node.minItems !== undefined) expr += `.min(${node.minItems})`;
      if (node.maxItems !== undefined) expr += `.max(${node.maxItems})`;
      break;
    case "object": {
      const members = node.properties.map((p) => {
        const optional = !p.required && p.node.meta.default === undefined ? ".optional()" : "";
        return `${JSON.stringify(p.name)}: ${zodExpression(p.node)}${optional}`;
      });
      expr = `z.strictObject({\n${members.join(",\n")}\n})`;
      break;
    }
    case "ref":
      expr = zodName(node.target);
      break;
  }
  if (node.meta.nullable) expr += ".nullable()";
  const fallback = node.meta.default?.value;
  if (node.meta.default !== undefined)
    expr +=
      typeof fallback === "object" && fallback !== null
        ? `.default(() => (${literal(fallback)}))`
        : `.default(${literal(fallback)})`;
  if (node.meta.description !== undefined) expr += `.describe(${literal(node.meta.description)})`;
  return expr;
}

export function emitZod(ctx: GenContext): GeneratedFile {
  return tsFile(ctx, "src/zod.ts", (file) => {
    file.addImportDeclaration({ moduleSpecifier: "zod", namedImports: ["z"] });
    for (const name of dependencyOrder(ctx.model)) {
      const node = ctx.model.types.get(name);
      if (node) exportConst(file, zodName(name), zodExpression(node));
    }
    for (const tool of ctx.tools) {
      exportConst(file, `${camelCase(tool.name)}InputSchema`, zodExpression(tool.input));
      exportConst(file, `${camelCase(tool.name)}OutputSchema`, zodExpression(tool.output));
    }
    const record = (suffix: string) =>
      `{\n${ctx.tools.map((t) => `${t.name}: ${camelCase(t.name)}${suffix}`).join(",\n")}\n}`;
    exportConst(file, "toolInputSchemas", record("InputSchema"));
    exportConst(file, "toolOutputSchemas", record("OutputSchema"));
  });
}

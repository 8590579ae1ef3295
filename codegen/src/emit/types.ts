// IR -> TypeScript types: named spec types, each tool's wire input, its arguments after defaults,
// its output, and the literal unions for scopes, plans, folders, error codes and the like.
import type { GenContext, GeneratedFile } from "../context.js";
import { pascalCase, type ObjectNode, type SchemaNode } from "../schema/ir.js";
import { docText, tsFile } from "./ts-file.js";
import { servedRevisions } from "./mcp-revisions.js";

export function typeExpression(node: SchemaNode): string {
  const base = (() => {
    switch (node.kind) {
      case "string":
        return node.enum ? node.enum.map((v) => JSON.stringify(v)).join(" | ") : "string";
      case "integer":
        return "number";
      case "boolean":
        return "boolean";
      case "array": {
        const item = typeExpression(node.items);
        return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      case "object":
        return objectLiteralType(node, false);
      case "ref":
        return pascalCase(node.target);
    }
  })();
  return node.meta.nullable ? `${base} | null` : base;
}

/** withDefaults: properties that have a default are required (the arguments a handler receives). */
function objectLiteralType(node: ObjectNode, withDefaults: boolean): string {
  const members = node.properties.map((p) => {
    const optional = !p.required && !(withDefaults && p.node.meta.default !== undefined);
    const doc = p.node.meta.description ? `/** ${docText(p.node.meta.description)[0]} */\n` : "";
    return `${doc}${JSON.stringify(p.name).slice(1, -1)}${optional ? "?" : ""}: ${typeExpression(p.node)};`;
  });
  return `{\n${members.join("\n")}\n}`;
}

const union = (values: Iterable<string>) => [...values].map((v) => JSON.stringify(v)).join(" | ");

export function emitTypes(ctx: GenContext): GeneratedFile {
  const { doc, model, tools } = ctx;
  return tsFile(ctx, "src/types.ts", (file) => {
    for (const [name, node] of model.types) {
      const docs = docText(node.meta.description);
      if (node.kind === "object" && !node.meta.nullable) {
        file.addTypeAlias({ name: pascalCase(name), isExported: true, type: objectLiteralType(node, false), docs });
      } else {
        file.addTypeAlias({ name: pascalCase(name), isExported: true, type: typeExpression(node), docs });
      }
    }
    for (const tool of tools) {
      file.addTypeAlias({
        name: `${tool.typeName}Input`,
        isExported: true,
        type: objectLiteralType(tool.input, false),
        docs: [`What a client sends to ${tool.name}.`],
      });
      file.addTypeAlias({
        name: `${tool.typeName}Args`,
        isExported: true,
        type: objectLiteralType(tool.input, true),
        docs: [`The arguments of ${tool.name} after validation, defaults applied.`],
      });
      file.addTypeAlias({
        name: `${tool.typeName}Output`,
        isExported: true,
        type: typeExpression(tool.output),
        docs: [`What ${tool.name} returns on success.`],
      });
      file.addTypeAlias({
        name: `${tool.typeName}ErrorCode`,
        isExported: true,
        type: union(tool.spec.errors),
        docs: [`The execution errors ${tool.name} may return.`],
      });
    }
    const toolMap = (suffix: string) => `{\n${tools.map((t) => `${t.name}: ${t.typeName}${suffix};`).join("\n")}\n}`;
    file.addTypeAlias({ name: "ToolName", isExported: true, type: union(tools.map((t) => t.name)) });
    file.addTypeAlias({ name: "ToolInputs", isExported: true, type: toolMap("Input") });
    file.addTypeAlias({ name: "ToolArgs", isExported: true, type: toolMap("Args") });
    file.addTypeAlias({ name: "ToolOutputs", isExported: true, type: toolMap("Output") });
    file.addTypeAlias({ name: "ToolErrorCodes", isExported: true, type: toolMap("ErrorCode") });
    file.addTypeAlias({ name: "Scope", isExported: true, type: union(Object.keys(doc.scopes)) });
    file.addTypeAlias({ name: "KeyMode", isExported: true, type: union(Object.keys(doc.api_keys.modes)) });
    file.addTypeAlias({ name: "PlanId", isExported: true, type: union(Object.keys(doc.plans)) });
    file.addTypeAlias({ name: "QuotaName", isExported: true, type: union(Object.keys(doc.quotas)) });
    file.addTypeAlias({
      name: "RateWindowName",
      isExported: true,
      type: union(doc.rate_limits.windows.map((w) => w.name)),
    });
    file.addTypeAlias({ name: "LimitName", isExported: true, type: union(Object.keys(doc.limits)) });
    file.addTypeAlias({ name: "Folder", isExported: true, type: union(Object.keys(doc.folders)) });
    file.addTypeAlias({ name: "SearchSyntax", isExported: true, type: union(Object.keys(doc.search.syntaxes)) });
    file.addTypeAlias({ name: "ProtocolRevision", isExported: true, type: union(servedRevisions(doc.transport)) });
    file.addTypeAlias({ name: "ExecutionErrorCode", isExported: true, type: union(Object.keys(doc.errors.execution)) });
    file.addTypeAlias({ name: "ProtocolErrorName", isExported: true, type: union(Object.keys(doc.errors.protocol)) });
    file.addTypeAlias({
      name: "ProtocolErrorCode",
      isExported: true,
      type: Object.values(doc.errors.protocol)
        .map((e) => String(e.code))
        .join(" | "),
    });
  });
}

// The error catalogue as code: the spec's protocol and execution errors as data, and one
// constructor per code that builds exactly the JSON-RPC error or the isError result the spec says.
import type { GenContext, GeneratedFile } from "../context.js";
import type { ErrorField } from "../spec/model.js";
import { camelCase, pascalCase } from "../schema/ir.js";
import { PLACEHOLDER, placeholders, QUOTED_MAX_LENGTH } from "../schema/templates.js";
import { exportConst, literal, tsFile } from "./ts-file.js";

function fieldType(field: ErrorField): string {
  if (field.enum) return field.enum.map((v) => JSON.stringify(v)).join(" | ");
  const scalar = (type: string | undefined) => (type === "integer" ? "number" : "string");
  if (field.type === "array") return `${scalar(field.items?.type)}[]`;
  if (field.type === "object") return "Record<string, unknown>";
  return scalar(field.type);
}

/** What a field's value must be, for those who check error results (the conformance runner). */
function fieldRule(field: ErrorField): Record<string, unknown> {
  const { type, enum: values, minimum, maximum, format, items } = field;
  return {
    type,
    ...(items === undefined ? {} : { items }),
    ...(values === undefined ? {} : { enum: values }),
    ...(minimum === undefined ? {} : { minimum }),
    ...(maximum === undefined ? {} : { maximum }),
    ...(format === undefined ? {} : { format }),
  };
}

function fieldsType(fields: Record<string, ErrorField>): string {
  const members = Object.entries(fields).map(([name, f]) => `${name}${f.optional ? "?" : ""}: ${fieldType(f)};`);
  return members.length === 0 ? "{}" : `{\n${members.join("\n")}\n}`;
}

/** A template literal that fills a message template from `args`. */
function templateLiteral(template: string): string {
  const escaped = template.replace(/[`\\]/g, "\\$&").replace(/\$\{/g, "\\${");
  return (
    "`" +
    escaped.replace(PLACEHOLDER, (_m, name: string, quoted?: string) =>
      quoted === undefined ? `\${args.${name}}` : `\${quoted(args.${name})}`,
    ) +
    "`"
  );
}

export function emitErrors(ctx: GenContext): GeneratedFile {
  const { protocol, execution } = ctx.doc.errors;
  return tsFile(ctx, "src/errors.ts", (file) => {
    file.addImportDeclaration({
      moduleSpecifier: "./types.js",
      isTypeOnly: true,
      namedImports: ["ExecutionErrorCode", "ProtocolErrorName", "ToolName"],
    });

    exportConst(
      file,
      "PROTOCOL_ERRORS",
      `${literal(Object.fromEntries(Object.entries(protocol).map(([name, e]) => [name, { code: e.code, message: e.message, httpStatus: e.http_status, retryable: e.retryable, when: e.when, guidance: e.guidance, dataFields: Object.keys(e.data ?? {}) }])))} as const satisfies Record<ProtocolErrorName, unknown>`,
      ["JSON-RPC errors: the numeric code, the HTTP status to send it with, and when it happens."],
    );
    file.addInterface({
      name: "JsonRpcError",
      isExported: true,
      typeParameters: ["C extends number = number", "D = unknown"],
      properties: [
        { name: "code", type: "C" },
        { name: "message", type: "string" },
        { name: "data", type: "D", hasQuestionToken: true },
      ],
    });
    for (const [name, e] of Object.entries(protocol)) {
      const dataType = e.data ? `${pascalCase(name)}Data` : undefined;
      if (e.data && dataType) file.addTypeAlias({ name: dataType, isExported: true, type: fieldsType(e.data) });
      const returnType = `JsonRpcError<${e.code}${dataType ? `, ${dataType}` : ", never"}>`;
      file.addFunction({
        name: camelCase(name),
        isExported: true,
        docs: [`${e.code}: ${e.when}`],
        parameters: [{ name: "message", type: "string" }, ...(dataType ? [{ name: "data", type: dataType }] : [])],
        returnType,
        statements: `return { code: ${e.code}, message${dataType ? ", data" : ""} };`,
      });
    }

    exportConst(
      file,
      "EXECUTION_ERRORS",
      `${literal(
        Object.fromEntries(
          Object.entries(execution).map(([code, e]) => [
            code,
            {
              retryable: e.retryable,
              notRetryableFor: e.not_retryable_for ?? [],
              when: e.when,
              guidance: e.guidance,
              message: e.message,
              fields: Object.keys(e.fields ?? {}),
              optionalFields: Object.entries(e.fields ?? {})
                .filter(([, f]) => f.optional === true)
                .map(([n]) => n),
              fieldRules: Object.fromEntries(Object.entries(e.fields ?? {}).map(([n, f]) => [n, fieldRule(f)])),
            },
          ]),
        ),
      )} as const satisfies Record<ExecutionErrorCode, unknown>`,
      ["Tool execution errors: returned as results with isError true, errorCode, and the code's fields."],
    );
    file.addTypeAlias({
      name: "ExecutionErrorFields",
      isExported: true,
      docs: ["The extra fields each execution error carries beside errorCode."],
      type: `{\n${Object.entries(execution)
        .map(([code, e]) => `${code}: ${fieldsType(e.fields ?? {})};`)
        .join("\n")}\n}`,
    });
    file.addTypeAlias({
      name: "ExecutionErrorResult",
      isExported: true,
      typeParameters: ["C extends ExecutionErrorCode = ExecutionErrorCode"],
      type: `{ [K in C]: { content: [{ type: "text"; text: string }]; isError: true; errorCode: K } & ExecutionErrorFields[K] }[C]`,
    });
    if (Object.values(execution).some((e) => e.message.includes("|quoted}")))
      file.addFunction({
        name: "quoted",
        docs: [`Text a stranger may have chosen, as data: a JSON string of at most ${QUOTED_MAX_LENGTH} characters.`],
        parameters: [{ name: "value", type: "string" }],
        returnType: "string",
        statements: [
          "const characters = [...value];",
          `return JSON.stringify(characters.length > ${QUOTED_MAX_LENGTH} ? \`\${characters.slice(0, ${QUOTED_MAX_LENGTH}).join("")}…\` : value);`,
        ],
      });
    for (const [code, e] of Object.entries(execution)) {
      const fields = e.fields ?? {};
      const textArgs = placeholders(e.message).filter((p) => !(p in fields));
      const argsType = [
        ...textArgs.map((p) => `${p}: string;`),
        ...Object.entries(fields).map(([n, f]) => `${n}${f.optional ? "?" : ""}: ${fieldType(f)};`),
      ];
      const required = Object.entries(fields)
        .filter(([, f]) => !f.optional)
        .map(([n]) => `${n}: args.${n}`);
      const optional = Object.entries(fields)
        .filter(([, f]) => f.optional)
        .map(([n]) => `...(args.${n} === undefined ? {} : { ${n}: args.${n} })`);
      file.addFunction({
        name: camelCase(code),
        isExported: true,
        docs: [
          `${e.when} Retryable: ${e.retryable ? "yes" : "no"}${e.not_retryable_for ? `, except for ${e.not_retryable_for.join(", ")}` : ""}.`,
        ],
        parameters: argsType.length === 0 ? [] : [{ name: "args", type: `{\n${argsType.join("\n")}\n}` }],
        returnType: `ExecutionErrorResult<${JSON.stringify(code)}>`,
        statements: [
          `return { content: [{ type: "text", text: ${templateLiteral(e.message)} }], isError: true, errorCode: ${JSON.stringify(code)}${[...required, ...optional].map((f) => `, ${f}`).join("")} };`,
        ],
      });
    }
    file.addFunction({
      name: "isRetryable",
      isExported: true,
      docs: ["Whether a client may retry a call that failed with this code (after retryAfter where given)."],
      parameters: [
        { name: "code", type: "ExecutionErrorCode" },
        { name: "tool", type: "ToolName" },
      ],
      returnType: "boolean",
      statements: `const entry = EXECUTION_ERRORS[code];\nreturn entry.retryable && !(entry.notRetryableFor as readonly string[]).includes(tool);`,
    });
  });
}

// The typed contract an implementation satisfies (ToolHandlers), and the dispatcher that turns a
// tools/call into exactly the spec's answers: -32601, scope_denied, -32602, inbox_not_found, the
// handler's result (structuredContent where the revision has it) or its execution error.
import type { GenContext, GeneratedFile } from "../context.js";
import { docText, exportConst, tsFile } from "./ts-file.js";

export function emitHandlers(ctx: GenContext): GeneratedFile {
  return tsFile(ctx, "src/handlers.ts", (file) => {
    file.addImportDeclaration({
      moduleSpecifier: "./types.js",
      isTypeOnly: true,
      namedImports: [
        "KeyMode",
        "PlanId",
        "ProtocolRevision",
        "Scope",
        "ToolArgs",
        "ToolErrorCodes",
        "ToolName",
        "ToolOutputs",
        ...ctx.tools.flatMap((t) => [`${t.typeName}Args`, `${t.typeName}Output`, `${t.typeName}ErrorCode`]),
      ],
    });
    file.addImportDeclaration({
      moduleSpecifier: "./errors.js",
      namedImports: [
        "inboxNotFound",
        "invalidParams",
        "methodNotFound",
        "scopeDenied",
        { name: "ExecutionErrorResult", isTypeOnly: true },
        { name: "InvalidParamsData", isTypeOnly: true },
        { name: "JsonRpcError", isTypeOnly: true },
      ],
    });
    file.addImportDeclaration({ moduleSpecifier: "./spec.js", namedImports: ["REVISION_FEATURES", "TOOL_SCOPES"] });
    file.addImportDeclaration({ moduleSpecifier: "./validate.js", namedImports: ["inputValidators"] });
    file.addImportDeclaration({
      moduleSpecifier: "./runtime/tool-dispatch.js",
      namedImports: [
        "checkToolCallWith",
        "toolSuccess",
        { name: "ToolCallCheck", isTypeOnly: true },
        { name: "ToolTables", isTypeOnly: true },
      ],
    });
    file.addImportDeclaration({
      moduleSpecifier: "./runtime/input-validation.js",
      isTypeOnly: true,
      namedImports: ["InputProblem"],
    });

    file.addInterface({
      name: "Caller",
      isExported: true,
      docs: ["Who is calling: the API key (by id, never the secret), its mode and scopes, and its workspace."],
      properties: [
        { name: "keyId", type: "string", isReadonly: true },
        { name: "mode", type: "KeyMode", isReadonly: true },
        { name: "scopes", type: "readonly Scope[]", isReadonly: true },
        { name: "workspaceId", type: "string", isReadonly: true },
        { name: "plan", type: "PlanId", isReadonly: true },
      ],
    });
    file.addInterface({
      name: "InboxRef",
      isExported: true,
      docs: ["The inbox a call is about, resolved for the caller's workspace and mode."],
      properties: [
        { name: "id", type: "string", isReadonly: true },
        { name: "mode", type: "KeyMode", isReadonly: true },
      ],
    });
    file.addInterface({
      name: "ToolContext",
      isExported: true,
      typeParameters: ["Inbox extends InboxRef = InboxRef"],
      properties: [
        { name: "caller", type: "Caller", isReadonly: true },
        { name: "inbox", type: "Inbox", isReadonly: true },
        { name: "revision", type: "ProtocolRevision", isReadonly: true },
        { name: "signal", type: "AbortSignal", isReadonly: true },
      ],
    });
    file.addInterface({
      name: "ToolHandlers",
      isExported: true,
      typeParameters: ["Inbox extends InboxRef = InboxRef"],
      docs: [
        "One method per tool of the spec. Adding a tool or a parameter to the spec changes this interface, so an implementation stops compiling until it handles it.",
      ],
      methods: ctx.tools.map((t) => ({
        name: t.name,
        docs: docText(t.spec.description),
        parameters: [
          { name: "args", type: `${t.typeName}Args` },
          { name: "context", type: "ToolContext<Inbox>" },
        ],
        returnType: `Promise<${t.typeName}Output | ExecutionErrorResult<${t.typeName}ErrorCode>>`,
      })),
    });
    file.addTypeAlias({
      name: "ToolSuccessResult",
      isExported: true,
      type: `{ content: [{ type: "text"; text: string }]; structuredContent?: ToolOutputs[ToolName]; isError?: false }`,
    });
    file.addTypeAlias({
      name: "ToolCallOutcome",
      isExported: true,
      docs: ["A JSON-RPC error to send as the response's error, or a tools/call result."],
      type: `{ error: JsonRpcError } | { result: ToolSuccessResult | ExecutionErrorResult }`,
    });
    file.addInterface({
      name: "ToolDispatcherOptions",
      isExported: true,
      typeParameters: ["Inbox extends InboxRef"],
      properties: [
        { name: "handlers", type: "ToolHandlers<Inbox>" },
        {
          name: "resolveInbox",
          docs: ["The inbox with this id in the caller's workspace and mode, or undefined."],
          type: "(inboxId: string, caller: Caller) => Promise<Inbox | undefined>",
        },
      ],
    });
    exportConst(
      file,
      "callHandler",
      `{\n${ctx.tools.map((t) => `${t.name}: <Inbox extends InboxRef>(h: ToolHandlers<Inbox>, args: ToolArgs[${JSON.stringify(t.name)}], c: ToolContext<Inbox>) => h.${t.name}(args, c)`).join(",\n")}\n} satisfies { [T in ToolName]: <Inbox extends InboxRef>(h: ToolHandlers<Inbox>, args: ToolArgs[T], c: ToolContext<Inbox>) => Promise<ToolOutputs[T] | ExecutionErrorResult<ToolErrorCodes[T]>> }`,
      ["Calls the handler method of a tool with its typed arguments."],
    );
    file.addFunction({
      name: "isToolName",
      isExported: true,
      parameters: [{ name: "name", type: "unknown" }],
      returnType: "name is ToolName",
      statements: 'return typeof name === "string" && Object.hasOwn(TOOL_SCOPES, name);',
    });
    exportConst(
      file,
      "TOOL_TABLES",
      `{
  scopes: TOOL_SCOPES,
  validators: inputValidators,
  refuse: {
    unknownTool: (name: string): ToolCallRefusal => ({ error: methodNotFound(\`Unknown tool: \${name}\`, { method: name }) }),
    scopeDenied: (requiredScope: Scope, tool: ToolName): ToolCallRefusal => ({ result: scopeDenied({ requiredScope, tool }) }),
    invalidArguments: (problem: InputProblem): ToolCallRefusal => ({ error: invalidParams(problem.message, problem as InvalidParamsData) }),
  },
} satisfies ToolTables<ToolName, Scope, ToolCallRefusal>`,
      ["The spec's tools for the dispatch runtime (runtime/tool-dispatch.ts)."],
    );
    file.addTypeAlias({
      name: "ToolCallRefusal",
      isExported: true,
      docs: [
        "How a tools/call ends before its tool runs: a JSON-RPC error, or scope_denied / inbox_not_found as a result.",
      ],
      type: "{ error: JsonRpcError } | { result: ExecutionErrorResult }",
    });
    file.addFunction({
      name: "checkToolCall",
      isExported: true,
      parameters: [
        { name: "name", type: "unknown" },
        { name: "args", type: "unknown" },
        { name: "caller", type: 'Pick<Caller, "scopes">' },
      ],
      returnType: "ToolCallCheck<ToolName, ToolCallRefusal>",
      docs: [
        "Unknown tool, missing scope and invalid arguments, in that order: what ends a call before its inbox is looked up.",
      ],
      statements: "return checkToolCallWith(TOOL_TABLES, name, args, caller.scopes);",
    });
    file.addFunction({
      name: "toolCallResult",
      isExported: true,
      parameters: [
        { name: "output", type: "ToolOutputs[ToolName] | ExecutionErrorResult" },
        { name: "revision", type: "ProtocolRevision" },
      ],
      returnType: "ToolSuccessResult | ExecutionErrorResult",
      docs: ["A handler's answer as the tools/call result of this revision: its execution error, or its output."],
      statements: `if ("isError" in output && output.isError === true) return output;
return toolSuccess(output as ToolOutputs[ToolName], REVISION_FEATURES[revision].structuredOutput);`,
    });
    file.addFunction({
      name: "createToolDispatcher",
      isExported: true,
      typeParameters: ["Inbox extends InboxRef"],
      parameters: [{ name: "options", type: "ToolDispatcherOptions<Inbox>" }],
      docs: [
        "Answers a tools/call: unknown tool, missing scope, invalid arguments and unknown inbox are decided here, in that order, so every implementation answers them alike.",
      ],
      statements: `return async function callTool(name: unknown, args: unknown, caller: Caller, revision: ProtocolRevision, signal: AbortSignal): Promise<ToolCallOutcome> {
  const checked = checkToolCall(name, args, caller);
  if (!checked.ok) return checked.refusal;
  const inbox = await options.resolveInbox(checked.inboxId, caller);
  if (inbox === undefined) return { result: inboxNotFound({ inbox_id: checked.inboxId }) };
  const output = await (callHandler[checked.name] as (h: ToolHandlers<Inbox>, a: unknown, c: ToolContext<Inbox>) => Promise<ToolOutputs[ToolName] | ExecutionErrorResult>)(options.handlers, checked.args, { caller, inbox, revision, signal });
  return { result: toolCallResult(output, revision) };
};`,
    });
  });
}

// How every implementation answers a tools/call, in the spec's order: an unknown tool, a scope the
// caller lacks, invalid arguments, an inbox the caller cannot see; then the tool's own result. Every
// step is a typed result, never an exception. `pnpm gen` copies this file into generated/, where
// handlers.ts binds it to the spec's tools; the tables below are all that is generated.
import type { InputCheck, InputProblem } from "./input-validation.js";

/** What the spec says about the tools, and how its errors are written. */
export interface ToolTables<Name extends string, Scope extends string, Refusal> {
  readonly scopes: Readonly<Record<Name, Scope>>;
  readonly validators: { readonly [N in Name]: (args: unknown) => InputCheck<unknown> };
  readonly refuse: {
    unknownTool(name: string): Refusal;
    scopeDenied(requiredScope: Scope, tool: Name): Refusal;
    invalidArguments(problem: InputProblem): Refusal;
  };
}

/** A call that may go on to its inbox (its arguments checked, defaults applied), or the answer that ends it. */
export type ToolCallCheck<Name extends string, Refusal> =
  | { readonly ok: true; readonly name: Name; readonly args: unknown; readonly inboxId: string }
  | { readonly ok: false; readonly refusal: Refusal };

export function checkToolCallWith<Name extends string, Scope extends string, Refusal>(
  tables: ToolTables<Name, Scope, Refusal>,
  name: unknown,
  args: unknown,
  scopes: readonly string[],
): ToolCallCheck<Name, Refusal> {
  if (typeof name !== "string" || !Object.hasOwn(tables.scopes, name))
    return { ok: false, refusal: tables.refuse.unknownTool(String(name)) };
  const tool = name as Name;
  const requiredScope = tables.scopes[tool];
  if (!scopes.includes(requiredScope)) return { ok: false, refusal: tables.refuse.scopeDenied(requiredScope, tool) };
  const checked = tables.validators[tool](args ?? {});
  if (!checked.ok) return { ok: false, refusal: tables.refuse.invalidArguments(checked.problem) };
  return { ok: true, name: tool, args: checked.value, inboxId: (checked.value as { inbox_id: string }).inbox_id };
}

/** A tool's output as its tools/call result: the JSON text, and structuredContent where the revision has it. */
export function toolSuccess<Output>(
  output: Output,
  structuredOutput: boolean,
): { content: [{ type: "text"; text: string }]; structuredContent?: Output } {
  const content: [{ type: "text"; text: string }] = [{ type: "text", text: JSON.stringify(output) }];
  return structuredOutput ? { content, structuredContent: output } : { content };
}

// What the spec says an execution error result looks like (decision error-results): isError,
// a catalogued errorCode the tool may give, a text block, and the code's fields beside errorCode.
import { EXECUTION_ERRORS, TOOL_ERRORS } from "@mcpemails/generated";
import type { ToolResult } from "./mcp-client.js";

/** Why an error result breaks the spec, or an empty list. */
export function errorResultProblems(tool: string, result: ToolResult): string[] {
  const problems: string[] = [];
  const code = result.errorCode;
  if (result.isError !== true) problems.push("isError is not true");
  if (typeof code !== "string") return [...problems, "errorCode is missing"];
  const entry = (
    EXECUTION_ERRORS as Record<string, { fields: readonly string[]; optionalFields: readonly string[] } | undefined>
  )[code];
  if (entry === undefined) return [...problems, `errorCode ${code} is not in the catalogue`];
  const allowed = (TOOL_ERRORS as Record<string, readonly string[] | undefined>)[tool];
  if (allowed !== undefined && !allowed.includes(code))
    problems.push(`${tool} may not give ${code} (tools.${tool}.errors)`);
  for (const field of entry.fields)
    if (!entry.optionalFields.includes(field) && !(field in result)) problems.push(`${code} lacks its field ${field}`);
  const content = result.content as { type?: unknown; text?: unknown }[] | undefined;
  if (!Array.isArray(content) || !content.some((block) => block.type === "text" && typeof block.text === "string"))
    problems.push("no text content block");
  if ("structuredContent" in result) problems.push("an error result carries structuredContent");
  return problems;
}

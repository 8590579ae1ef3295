// What the spec says an execution error result looks like (decision error-results): isError,
// a catalogued errorCode the tool may give, a text block, and the code's fields beside errorCode.
import { EXECUTION_ERRORS, TOOL_ERRORS } from "@mcpemails/generated";
import type { ToolResult } from "./mcp-client.js";

interface FieldRule {
  type: "string" | "integer";
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  format?: string;
}

interface CatalogueEntry {
  fields: readonly string[];
  optionalFields: readonly string[];
  fieldRules: Readonly<Record<string, FieldRule>>;
}

// RFC 3339's date-time, as the spec's format says (errors.execution.*.fields.*.format).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** What is wrong with an error field's value by the spec's rule for it, or undefined. */
function fieldProblem(value: unknown, rule: FieldRule): string | undefined {
  if (rule.type === "integer") {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) return "not an integer";
    if (rule.minimum !== undefined && value < rule.minimum) return `below the minimum ${rule.minimum}`;
    if (rule.maximum !== undefined && value > rule.maximum) return `above the maximum ${rule.maximum}`;
    return undefined;
  }
  if (typeof value !== "string") return "not a string";
  if (rule.enum !== undefined && !rule.enum.includes(value)) return `not one of ${rule.enum.join(", ")}`;
  if (rule.format === "date-time" && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))))
    return "not an RFC 3339 date-time";
  return undefined;
}

/** Why an error result breaks the spec, or an empty list. */
export function errorResultProblems(tool: string, result: ToolResult): string[] {
  const problems: string[] = [];
  const code = result.errorCode;
  if (result.isError !== true) problems.push("isError is not true");
  if (typeof code !== "string") return [...problems, "errorCode is missing"];
  const entry = (EXECUTION_ERRORS as Record<string, CatalogueEntry | undefined>)[code];
  if (entry === undefined) return [...problems, `errorCode ${code} is not in the catalogue`];
  const allowed = (TOOL_ERRORS as Record<string, readonly string[] | undefined>)[tool];
  if (allowed !== undefined && !allowed.includes(code))
    problems.push(`${tool} may not give ${code} (tools.${tool}.errors)`);
  for (const field of entry.fields)
    if (!entry.optionalFields.includes(field) && !(field in result)) problems.push(`${code} lacks its field ${field}`);
  for (const [field, rule] of Object.entries(entry.fieldRules)) {
    const problem = field in result ? fieldProblem(result[field], rule) : undefined;
    if (problem !== undefined) problems.push(`${code}'s ${field} is ${JSON.stringify(result[field])}: ${problem}`);
  }
  const content = result.content as { type?: unknown; text?: unknown }[] | undefined;
  if (!Array.isArray(content) || !content.some((block) => block.type === "text" && typeof block.text === "string"))
    problems.push("no text content block");
  if ("structuredContent" in result) problems.push("an error result carries structuredContent");
  return problems;
}

// structuredContent against the tool's output schema, with the generated validator's reason.
import { outputValidators, type ToolName } from "@mcpemails/generated";

/** undefined when the value is valid; otherwise what is wrong with it. */
export function validateOutput(tool: string, structuredContent: unknown): string | undefined {
  if (!(tool in outputValidators)) return `no output schema for ${tool}`;
  if (structuredContent === undefined) return "structuredContent is missing";
  const check = outputValidators[tool as ToolName](structuredContent);
  return check.ok ? undefined : `${check.problem.parameter || "(root)"}: ${check.problem.message}`;
}

// Run last, over every successful tool result the run has seen, whichever check asked for it (a
// listing to find ids, a poll for delivered mail, a property run): each structuredContent must be
// valid against its tool's output schema, so that a field broken only in messages some check
// merely passed through is still caught.
import { TOOL_NAMES } from "@mcpemails/generated";
import { failed, passed, skipped, type Check } from "../check.js";
import { validateOutput } from "../output-validation.js";

export function outputSchemaChecks(): Check[] {
  return [
    {
      id: "behaviour.outputs-valid",
      stage: "behaviour",
      specRef: "tools.<tool>.output, decisions.outputs",
      description:
        "every successful result seen in the run has structuredContent valid against its tool's output schema",
      async run({ client }) {
        const results = client.toolResults.filter(
          ({ tool, result }) =>
            (TOOL_NAMES as readonly string[]).includes(tool) &&
            result.isError !== true &&
            result.errorCode === undefined,
        );
        if (results.length === 0) return skipped("no tool answered a successful result during this run");
        for (const { tool, result, exchange } of results) {
          const problem = validateOutput(tool, result.structuredContent);
          if (problem !== undefined)
            return failed(`${tool}: structuredContent breaks the output schema: ${problem}`, exchange);
        }
        return passed(`${results.length} results`);
      },
    },
  ];
}

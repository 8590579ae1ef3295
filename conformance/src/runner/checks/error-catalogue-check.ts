// Run last, over every error the run has seen: each execution error's errorCode is in the
// catalogue, the tool may give it, and it carries the fields the spec lists; each JSON-RPC error
// of a tools/call is a catalogued protocol error with its data fields.
import { PROTOCOL_ERRORS } from "@mcpemails/generated";
import { failed, passed, skipped, type Check } from "../check.js";
import { errorResultProblems } from "../error-result.js";

export function errorCatalogueChecks(): Check[] {
  return [
    {
      id: "errors.catalogue",
      stage: "errors",
      specRef: "errors, decisions.error-results",
      description: "every error result seen in the run has a catalogued errorCode with the fields the spec lists",
      async run({ client }) {
        // An errorCode marks an error result as much as isError does: one without the other is broken.
        const errors = client.toolResults.filter(
          ({ result }) => result.isError === true || typeof result.errorCode === "string",
        );
        if (errors.length === 0) return skipped("no tool answered an error result during this run");
        for (const { tool, result, exchange } of errors) {
          const problems = errorResultProblems(tool, result);
          if (problems.length > 0) return failed(`${tool}: ${problems.join("; ")}`, exchange);
        }
        return passed(`${errors.length} error results`);
      },
    },
    {
      id: "errors.protocol-catalogue",
      stage: "errors",
      specRef: "protocol_errors",
      description: "every JSON-RPC error a tools/call got in the run is a catalogued code with its data fields",
      async run({ client }) {
        if (client.toolCallErrors.length === 0)
          return skipped("no tools/call answered a JSON-RPC error during this run");
        const catalogue = Object.values(PROTOCOL_ERRORS) as { code: number; dataFields: readonly string[] }[];
        for (const { tool, error, exchange } of client.toolCallErrors) {
          const entry = catalogue.find((e) => e.code === error.code);
          if (entry === undefined)
            return failed(`${tool}: JSON-RPC error ${error.code} is not in the catalogue`, exchange);
          const data = (error.data ?? {}) as Record<string, unknown>;
          const missing = entry.dataFields.filter((field) => !(field in data));
          if (missing.length > 0)
            return failed(`${tool}: error ${error.code} lacks data.${missing.join(", data.")}`, exchange);
        }
        return passed(`${client.toolCallErrors.length} JSON-RPC errors`);
      },
    },
  ];
}

// @mcpemails/conformance as a library: run the checks from code, render the reports, and the
// value generators the checks draw tool inputs from.
export { runConformance, type RunConformanceOptions } from "./run-conformance.js";
export { ConfigError } from "./runner/config-error.js";
export type { ConformanceOptions } from "./runner/config.js";
export { ServerUnreachable } from "./runner/mcp-client.js";
export type { CheckResult, RunReport } from "./runner/run.js";
export type { Outcome, Stage } from "./runner/check.js";
export { jsonReport } from "./runner/report/json-report.js";
export { junitReport } from "./runner/report/junit-report.js";
export { htmlReport } from "./runner/report/html-report.js";
export { textReport } from "./runner/report/text-report.js";
export { countOutcomes, verdictLine, type Counts } from "./runner/report/summary.js";
export { invalidValue, validValue, type InvalidValue, type JsonSchemaObject } from "./arbitraries/from-json-schema.js";

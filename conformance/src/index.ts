// @mcpemails/conformance as a library: run the checks from code and render the reports. The value
// generators the checks draw tool inputs from are in @mcpemails/conformance/arbitraries.
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

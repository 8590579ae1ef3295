// What every check may use: the configuration, the client, and what the inbox turned out to hold.
import type { RunnerConfig } from "./config.js";
import type { InboxSample } from "./inbox-sample.js";
import type { McpClient } from "./mcp-client.js";
import type { RunPlan } from "./run-plan.js";
import type { SendFixture } from "./send-fixture.js";

export interface RunContext {
  config: RunnerConfig;
  client: McpClient;
  inbox: InboxSample;
  sends: SendFixture;
  plan: RunPlan;
}

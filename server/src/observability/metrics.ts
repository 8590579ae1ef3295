// Prometheus metrics, served at /metrics: tool latency and outcome, error codes, rate-limit
// refusals. One registry per app, so that tests and several apps in one process do not collide.
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  toolDuration: Histogram<"tool" | "outcome">;
  toolErrors: Counter<"tool" | "code">;
  rateLimitRejections: Counter<"window">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    toolDuration: new Histogram({
      name: "mcpemails_tool_call_duration_seconds",
      help: "tools/call latency by tool and outcome (ok, execution_error, protocol_error)",
      labelNames: ["tool", "outcome"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    toolErrors: new Counter({
      name: "mcpemails_tool_errors_total",
      help: "tools/call errors by tool and code (errorCode or JSON-RPC code)",
      labelNames: ["tool", "code"],
      registers: [registry],
    }),
    rateLimitRejections: new Counter({
      name: "mcpemails_rate_limit_rejections_total",
      help: "tools/call refused by a rate window",
      labelNames: ["window"],
      registers: [registry],
    }),
  };
}

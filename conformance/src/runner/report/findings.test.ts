import { describe, expect, it } from "vitest";
import type { Outcome } from "../check.js";
import type { Exchange } from "../exchange.js";
import type { CheckResult } from "../run.js";
import { findings, referenceSection } from "./findings.js";

const exchange = (body: string): Exchange => ({
  request: { url: "http://127.0.0.1/mcp", headers: {}, key: "token", body },
  response: { status: 200, headers: {}, body: "{}" },
});

const result = (id: string, specRef: string, outcome: Outcome): CheckResult => ({
  id,
  specRef,
  outcome,
  stage: "inputs",
  description: id,
  durationMs: 1,
  toolCalls: 1,
});

describe("findings", () => {
  it("groups failures by the rule they break, each with the failure of the smallest request as its reproducer", () => {
    const rule = "tools.list_inbox.input: limit maximum";
    const grouped = findings([
      result("a", rule, { status: "failed", message: "long", exchange: exchange("x".repeat(500)) }),
      result("b", rule, { status: "failed", message: "short", exchange: exchange("{}") }),
      result("c", rule, { status: "passed" }),
      result("d", "errors.message_not_found", { status: "failed", message: "no exchange" }),
      result("e", "decisions.pagination", { status: "skipped", reason: "no data" }),
    ]);
    expect(grouped.map((f) => [f.rule, f.failures.map((x) => x.id), f.reproducer.id])).toEqual([
      [rule, ["a", "b"], "b"],
      ["errors.message_not_found", ["d"], "d"],
    ]);
    expect(grouped[0]?.section).toBe("generated/docs/REFERENCE.md#tool-list_inbox-parameters");
  });

  it("points each kind of spec reference at its section of the generated reference", () => {
    expect(
      [
        "tools.read_email.output",
        "tools.send_email.scope, errors.scope_denied",
        "tools.<tool>.output, decisions.outputs",
        "errors, decisions.error-results",
        "errors.inbox_not_found",
        "protocol_errors.invalid_params, decisions.validation-errors",
        "decisions.pagination",
        "rate_limits, errors.rate_limit_exceeded",
        "search.portable_terms, search.combining",
        "transport.max_body_bytes",
      ].map((ref) => referenceSection(ref).replace("generated/docs/REFERENCE.md#", "")),
    ).toEqual([
      "tool-read_email-output",
      "tool-send_email",
      "tools",
      "execution-errors",
      "error-inbox_not_found",
      "protocol-error-invalid_params",
      "decision-pagination",
      "rate-limits",
      "search",
      "endpoint",
    ]);
  });
});

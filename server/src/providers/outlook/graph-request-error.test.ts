// What Graph's failures mean to a caller (https://learn.microsoft.com/graph/errors).
import { describe, expect, it } from "vitest";
import { graphFailureKind, GraphRequestError } from "./graph-request-error.js";

describe("a Graph failure's kind", () => {
  it.each([
    [404, "ErrorItemNotFound", "not_found"],
    [400, "ErrorInvalidIdMalformed", "not_found"],
    [429, "ApplicationThrottled", "rate_limited"],
    [0, "timeout", "unavailable"],
    [0, "network", "unavailable"],
    [503, "ServiceUnavailable", "unavailable"],
    [504, "ErrorTimeoutExpired", "unavailable"],
    [200, "malformed_response", "unavailable"],
    [0, "untrusted_url", "refused"],
    [400, "ErrorInvalidRecipients", "refused"],
    [403, "ErrorAccessDenied", "refused"],
  ] as const)("%i %s is %s", (status, code, kind) => {
    expect(graphFailureKind(status, code)).toBe(kind);
  });

  it("keeps Graph's words and its Retry-After for the caller", () => {
    const error = new GraphRequestError(429, "ApplicationThrottled", "Graph answered 429 ApplicationThrottled", 7);
    expect(error).toMatchObject({ kind: "rate_limited", detail: error.message, retryAfterSeconds: 7 });
  });
});

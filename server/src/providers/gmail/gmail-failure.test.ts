// How Google's answers read as failures: what the owner must fix (auth), what may be retried
// after a wait (rate limits), what may have taken effect (5xx, no answer) and what was refused.
import { describe, expect, it } from "vitest";
import { failureOfResponse, googleFailure, retryTimeIn } from "./gmail-failure.js";

const apiError = (code: number, reason: string) => ({
  error: { code, message: `m${code}`, errors: [{ reason }], status: "X" },
});

describe("failureOfResponse", () => {
  it("reads the token endpoint's invalid_grant as auth, and another OAuth error as the server's own misconfiguration", () => {
    expect(
      failureOfResponse(400, null, { error: "invalid_grant", error_description: "Token has been expired or revoked." })
        .kind,
    ).toBe("auth");
    const client = failureOfResponse(401, null, { error: "invalid_client" });
    expect(client.kind).toBe("refused");
    expect(client.message).toContain("GOOGLE_CLIENT_ID");
  });

  it("reads 401 and 403 insufficientPermissions as auth, 403 rate reasons and 429 as rate limits with their wait", () => {
    expect(failureOfResponse(401, null, apiError(401, "authError"))).toMatchObject({ kind: "auth", httpStatus: 401 });
    expect(failureOfResponse(403, null, apiError(403, "insufficientPermissions")).kind).toBe("auth");
    expect(failureOfResponse(403, "3", apiError(403, "userRateLimitExceeded"))).toMatchObject({
      kind: "rate_limited",
      retryAfterSeconds: 3,
    });
    expect(failureOfResponse(403, null, apiError(403, "rateLimitExceeded")).kind).toBe("rate_limited");
    expect(failureOfResponse(429, null, apiError(429, "rateLimitExceeded"))).toMatchObject({
      kind: "rate_limited",
      retryAfterSeconds: undefined,
    });
    expect(failureOfResponse(403, null, apiError(403, "forbidden")).kind).toBe("refused");
  });

  it("reads 404 as not found, 5xx as unavailable and other 4xx as refused", () => {
    expect(failureOfResponse(404, null, apiError(404, "notFound")).kind).toBe("not_found");
    expect(failureOfResponse(503, null, apiError(503, "backendError")).kind).toBe("unavailable");
    expect(failureOfResponse(400, null, apiError(400, "invalidArgument")).kind).toBe("refused");
    expect(failureOfResponse(500, null, "not json").message).toContain("HTTP 500");
  });
});

describe("the sending limit's 429", () => {
  it("names its time to retry in the message, which is the wait when no Retry-After comes; a Retry-After still wins", () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const body = {
      error: {
        code: 429,
        message: `User-rate limit exceeded.  Retry after ${until} (Mail sending)`,
        errors: [{ domain: "usageLimits", reason: "rateLimitExceeded" }],
        status: "RESOURCE_EXHAUSTED",
      },
    };
    const failure = failureOfResponse(429, null, body);
    expect(failure.kind).toBe("rate_limited");
    expect(failure.retryAfterSeconds).toBeGreaterThanOrEqual(3_599);
    expect(failure.retryAfterSeconds).toBeLessThanOrEqual(3_600);
    expect(failureOfResponse(429, "30", body).retryAfterSeconds).toBe(30);
    expect(retryTimeIn("User-rate limit exceeded.")).toBeUndefined();
  });
});

describe("googleFailure", () => {
  it("reads a client error with a response by its status, and one without (timeout, reset) as unavailable", () => {
    expect(
      googleFailure({ response: { status: 404, headers: new Headers(), data: apiError(404, "notFound") } })?.kind,
    ).toBe("not_found");
    expect(
      googleFailure(Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }))
        ?.message,
    ).toContain("in time");
    expect(googleFailure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toMatchObject({
      kind: "unavailable",
      message: "no answer from Gmail (ECONNRESET)",
    });
  });
});

describe("googleFailure and this server's own errors", () => {
  it("claims no error that is not Google's (a TypeError of this server's own code)", () => {
    expect(googleFailure(new TypeError("cannot read properties of undefined"))).toBeUndefined();
    expect(googleFailure(new Error("a bug"))).toBeUndefined();
    expect(
      googleFailure(Object.assign(new TypeError("bad argument"), { code: "ERR_INVALID_ARG_TYPE" })),
    ).toBeUndefined();
  });

  it("reads gaxios's error without a response (the request never got an answer) as unavailable", () => {
    const gaxios = Object.assign(new Error("request to https://oauth2.googleapis.com/token failed"), {
      config: { url: "https://oauth2.googleapis.com/token" },
    });
    expect(googleFailure(gaxios)).toMatchObject({ kind: "unavailable" });
  });
});

describe("Gmail's Retry-After", () => {
  it("is read by the providers' one Retry-After rule: delta-seconds or an HTTP date", () => {
    expect(failureOfResponse(503, "7", {}).retryAfterSeconds).toBe(7);
    expect(
      failureOfResponse(503, new Date(Date.now() + 10_500).toUTCString(), {}).retryAfterSeconds,
    ).toBeGreaterThanOrEqual(9);
    expect(failureOfResponse(503, "soon", {}).retryAfterSeconds).toBeUndefined();
  });
});

// What went wrong with a Gmail call, in the providers' failure taxonomy (core/provider-failure.ts),
// read from Google's errors: OAuth errors of the token endpoint ({error: "invalid_grant"}), API
// errors ({error: {code, message, errors: [{reason}], details: [{reason}]}}) and transport failures.
// An error that is none of these is this server's own bug, and googleFailure leaves it alone.
// Messages come from Google's error text or are our own, never from request headers, so no token
// can reach them.
import { ProviderFailure, type FailureKind } from "../core/provider-failure.js";
import { retryAfterSeconds } from "../core/retry-after.js";

export class GmailFailure extends ProviderFailure {
  override readonly name = "GmailFailure";

  constructor(
    kind: FailureKind,
    message: string,
    retryAfterSeconds?: number,
    /** The HTTP status Google answered, when it answered. */
    readonly httpStatus?: number,
  ) {
    super(kind, message, retryAfterSeconds);
  }
}

const RATE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"]);
const SCOPE_REASONS = new Set(["insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"]);

/** A Google HTTP answer (status, Retry-After, JSON body) as a failure. */
export function failureOfResponse(status: number, retryAfter: string | null, data: unknown): GmailFailure {
  const oauthError =
    typeof data === "object" && data !== null && typeof (data as { error?: unknown }).error === "string"
      ? (data as { error: string; error_description?: string })
      : undefined;
  if (oauthError !== undefined) {
    if (oauthError.error === "invalid_grant")
      return new GmailFailure("auth", "Google refused the stored grant (invalid_grant: revoked or expired)");
    return new GmailFailure(
      "refused",
      `Google's token endpoint refused this server's OAuth client (${oauthError.error}); the operator must check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET`,
    );
  }
  const error =
    typeof data === "object" && data !== null
      ? (data as { error?: { message?: string; errors?: { reason?: string }[]; details?: { reason?: string }[] } })
          .error
      : undefined;
  const reasons = new Set([...(error?.errors ?? []), ...(error?.details ?? [])].map((entry) => entry.reason ?? ""));
  const message = error?.message ?? `HTTP ${status}`;
  const waitSeconds = retryAfterSeconds(retryAfter);
  if (status === 401) return new GmailFailure("auth", `Gmail refused the access token: ${message}`, undefined, 401);
  if (status === 429 || (status === 403 && [...reasons].some((reason) => RATE_REASONS.has(reason))))
    return new GmailFailure("rate_limited", `Gmail's rate limit: ${message}`, waitSeconds ?? retryTimeIn(message));
  if (status === 403 && [...reasons].some((reason) => SCOPE_REASONS.has(reason)))
    return new GmailFailure("auth", `the Gmail grant lacks a scope this tool needs: ${message}`);
  if (status === 404) return new GmailFailure("not_found", message);
  if (status >= 500) return new GmailFailure("unavailable", `Gmail answered ${status}: ${message}`, waitSeconds);
  return new GmailFailure("refused", `Gmail answered ${status}: ${message}`);
}

/**
 * An error of a Gmail call (or of its token refresh) as a failure: Google's answer read by its
 * status, a request that got no answer (gaxios's error, a Node socket error, the client's timeout)
 * as unavailable; undefined for anything else, which is not Google's doing.
 */
export function googleFailure(error: unknown): GmailFailure | undefined {
  if (error instanceof GmailFailure) return error;
  // gaxios's GaxiosError, read by shape: gaxios is the client's dependency, not the server's.
  const response = (error as { response?: { status?: unknown; headers?: { get?: unknown }; data?: unknown } } | null)
    ?.response;
  if (response !== undefined && typeof response.status === "number") {
    const retryAfter =
      typeof response.headers?.get === "function" ? (response.headers as Headers).get("retry-after") : null;
    return failureOfResponse(response.status, retryAfter, response.data);
  }
  if (!(error instanceof Error)) return undefined;
  const raw = (error as { code?: unknown }).code;
  // A socket's (ECONNRESET, ENOTFOUND...) or undici's (UND_ERR_...) code; Node's ERR_... codes are a misuse of an API, ours.
  const code = typeof raw === "string" && /^(E(?!RR_)[A-Z0-9_]+|UND_ERR_[A-Z_]+)$/u.test(raw) ? raw : undefined;
  const timedOut = error.name === "TimeoutError";
  // gaxios's GaxiosError (its name is plain "Error") always carries the request's config.
  const gaxios = error.constructor.name === "GaxiosError" || "config" in error;
  if (!timedOut && !gaxios && code === undefined) return undefined;
  return new GmailFailure(
    "unavailable",
    timedOut ? "no answer from Gmail in time" : `no answer from Gmail (${code ?? "the connection failed"})`,
  );
}

/**
 * The wait named in the text of Gmail's per-user limits, which send no Retry-After: "User-rate limit
 * exceeded.  Retry after 2026-12-04T10:00:00.000Z (Mail sending)" past the daily sending limit
 * (https://developers.google.com/workspace/gmail/api/guides/handle-errors: "returned with time to retry").
 */
export function retryTimeIn(message: string): number | undefined {
  const time = /\bRetry after (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/iu.exec(message)?.[1];
  return time === undefined ? undefined : Math.max(0, Math.ceil((Date.parse(time) - Date.now()) / 1000));
}

// A request Graph did not carry out, in the providers' one failure taxonomy: the kind follows from
// Graph's status and error code (https://learn.microsoft.com/graph/errors), the detail is Graph's own
// words. Whether a request that changes something may have been carried out all the same is the
// kind's: only "unavailable" (no answer, a 5xx) leaves that open.
import { ProviderFailure, type FailureKind } from "../core/provider-failure.js";

/** Graph's codes for a message it does not have, or an id it could not have issued (400 ErrorInvalidIdMalformed). */
const NO_SUCH_ITEM = new Set(["ErrorItemNotFound", "ErrorInvalidIdMalformed"]);

export class GraphRequestError extends ProviderFailure {
  override readonly name = "GraphRequestError";

  constructor(
    /** The HTTP status, or 0 when no answer came (timeout, dropped connection). */
    readonly status: number,
    /** Graph's error code (ErrorItemNotFound, InefficientFilter...), or "timeout"/"network"/"untrusted_url". */
    readonly code: string,
    message: string,
    retryAfterSeconds?: number,
  ) {
    super(graphFailureKind(status, code), message, retryAfterSeconds);
  }
}

export function graphFailureKind(status: number, code: string): FailureKind {
  if (status === 404 || NO_SUCH_ITEM.has(code)) return "not_found";
  if (status === 401) return "auth";
  if (status === 429) return "rate_limited";
  // A URL we would not follow was never requested; anything else without an answer may have been.
  if (status === 0) return code === "untrusted_url" ? "refused" : "unavailable";
  if (status >= 500 || code === "malformed_response") return "unavailable";
  return "refused";
}

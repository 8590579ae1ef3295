// The one failure taxonomy every provider speaks. Each provider reads its service's errors (Google's
// JSON errors, Graph's, an IMAP server's NO/BAD, SMTP replies, dropped connections) into a
// ProviderFailure; provider-tools.ts alone turns it into the error catalogue. Anything else a tool
// throws is this server's own bug, never blamed on the mail service.

export type FailureKind =
  /** The service refused the inbox's credentials (revoked, expired, missing a scope): the owner must reconnect. */
  | "auth"
  /** The service has no such message (or the id is not one it could have made). */
  | "not_found"
  /** Throttled: refused before anything was done, safe to repeat after retryAfterSeconds. */
  | "rate_limited"
  /** No answer, a 5xx, a dropped connection or a timeout: a send may or may not have taken effect. */
  | "unavailable"
  /** Refused without effect (a 4xx, a NO, the service's own limits). */
  | "refused";

export class ProviderFailure extends Error {
  override readonly name: string = "ProviderFailure";

  /**
   * @param detail Safe to show the caller: the service's own words or ours, never a token or password.
   * @param retryAfterSeconds When the service said when to come back.
   */
  constructor(
    readonly kind: FailureKind,
    readonly detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
  }

  /** Whether the service answered no: nothing it was asked to do was done. */
  get refusedBeforeActing(): boolean {
    return this.kind !== "unavailable";
  }
}

// How every Gmail call is made: access tokens from the stored refresh token (google-auth-library
// refreshes them before they expire; after a 401 the token is dropped and fetched again, once),
// a per-request timeout, and a bounded backoff on rate limits honouring Retry-After. The client's
// own retries are off so that this is the only place that repeats anything, under the providers'
// one retry rule (retry-rule.ts): a call that may have taken effect (a send answered 5xx or not at
// all) is never repeated.
import { auth, gmail, type gmail_v1 } from "@googleapis/gmail";
import type { GoogleAppConfig } from "../provider-apps.js";
import { retryWaitMs, sleepUnlessAborted, type RetryPolicy } from "../core/retry-rule.js";
import { GmailFailure, googleFailure } from "./gmail-failure.js";

export interface CallPolicy extends RetryPolicy {
  requestTimeoutMs: number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const DEFAULT_CALL_POLICY: CallPolicy = {
  maxAttempts: 3,
  maxWaitMs: 5_000,
  maxTotalWaitMs: 10_000,
  baseWaitMs: 500,
  requestTimeoutMs: 60_000,
  sleep: sleepUnlessAborted,
};

/** Per-request options of the client: no retries of its own, our timeout, the caller's signal. */
export interface RequestOptions {
  retry: false;
  timeout: number;
  signal: AbortSignal;
}

export interface GmailCalls {
  api: gmail_v1.Gmail;
  oauth: InstanceType<typeof auth.OAuth2>;
  policy: CallPolicy;
  /**
   * Runs one call with the policy. repeatable: whether the call may be made again after a failure
   * that leaves its effect unknown (5xx, timeout); reads are, sends are not.
   */
  call<T>(operation: (options: RequestOptions) => Promise<T>, signal: AbortSignal, repeatable: boolean): Promise<T>;
  /** Drops the access token so that the next call fetches a new one. */
  dropAccessToken(): void;
}

export function createGmailCalls(app: GoogleAppConfig, refreshToken: string, policy: CallPolicy): GmailCalls {
  const oauth = new auth.OAuth2({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: app.redirectUri,
  });
  oauth.setCredentials({ refresh_token: refreshToken });
  const api = gmail({ version: "v1", auth: oauth });
  const calls: GmailCalls = {
    api,
    oauth,
    policy,
    dropAccessToken() {
      oauth.setCredentials({ refresh_token: refreshToken });
    },
    async call(operation, signal, repeatable) {
      let reauthorized = false;
      let waitedMs = 0;
      for (let attempt = 1; ; attempt++) {
        signal.throwIfAborted();
        try {
          const result = await operation({ retry: false, timeout: policy.requestTimeoutMs, signal });
          // Every Gmail endpoint answers JSON, but for a delete's 204 with no body; gaxios hands over
          // the text of a body that is not JSON (a proxy's page, a cut-off answer), which may follow a
          // change that was made.
          const answer = (typeof result === "string" ? { data: result } : result) as
            { data?: unknown; status?: unknown } | undefined;
          if (typeof answer?.data === "string" && !(answer.status === 204 && answer.data === ""))
            throw new GmailFailure(
              "unavailable",
              "Gmail answered with a body that is not JSON",
              undefined,
              typeof answer.status === "number" ? answer.status : undefined,
            );
          return result;
        } catch (error) {
          signal.throwIfAborted();
          const failure = googleFailure(error);
          // Not Google's doing (a bug of this server's): nothing to retry, and not Gmail's to answer for.
          if (failure === undefined) throw error;
          // A 401 means the request was not executed: fetch a new access token and try once more.
          if (failure.kind === "auth" && !reauthorized && isExpiredToken(failure)) {
            reauthorized = true;
            calls.dropAccessToken();
            continue;
          }
          const wait = waitBeforeRetry(failure, { attempt, read: repeatable, waitedMs }, policy);
          if (wait === undefined) throw failure;
          waitedMs += wait;
          await policy.sleep(wait, signal);
        }
      }
    },
  };
  return calls;
}

/** A 401 of the API (not invalid_grant of the token endpoint, which no new access token mends). */
function isExpiredToken(failure: GmailFailure): boolean {
  return failure.httpStatus === 401;
}

/** How long to wait before the next attempt, or undefined when the failure is final: the providers' one rule. */
export function waitBeforeRetry(
  failure: GmailFailure,
  state: { attempt: number; read: boolean; waitedMs: number },
  policy: CallPolicy,
): number | undefined {
  const kind = failure.kind === "rate_limited" ? "throttled" : failure.kind === "unavailable" ? "unavailable" : "final";
  return retryWaitMs({ kind, retryAfterSeconds: failure.retryAfterSeconds }, state, policy);
}

// A thin client of the Graph REST endpoints the Outlook provider uses, over global fetch. No Graph
// SDK: the provider calls about a dozen endpoints, reads the MIME source as bytes and sends MIME as
// text/plain, and needs exact control of retries (a POST is never resent after a 5xx or a timeout),
// which the SDK's retry middleware would take away. What it does for every request:
// - at most 4 requests in flight per mailbox (Graph's MailboxConcurrency limit, mailbox-slots.ts),
//   each holding its slot until its body has been read;
// - Prefer: IdType="ImmutableId", so that ids survive moves between folders;
// - retries under the providers' one rule (retry-rule.ts): a 429 after its Retry-After, seconds or an
//   HTTP-date (Graph throttles before executing, so even a POST is safe); a 5xx or a dropped
//   connection on a GET only, never on a request that changes something; attempts and waits bounded;
// - a 401 retried once with a token MSAL refreshes, then GrantRefused;
// - the request's signal (the call's, with a search's deadline) ends every wait: for a token, a slot,
//   the answer, a retry.
// Its failures are GraphRequestErrors (graph-request-error.ts), the providers' ProviderFailures.
import { ProviderFailure } from "../core/provider-failure.js";
import { retryAfterSeconds } from "../core/retry-after.js";
import { retryWaitMs, sleepUnlessAborted, type RetryPolicy } from "../core/retry-rule.js";
import { acquireMailboxSlot } from "./mailbox-slots.js";
import { GraphRequestError } from "./graph-request-error.js";
import { GrantRefused, type MailboxTokens } from "./msal-tokens.js";
import { untilAborted } from "./until-aborted.js";

export const GRAPH_BASE = "https://graph.microsoft.com/v1.0";

export interface GraphRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** A path under /v1.0, or an absolute URL (a nextLink, an upload URL). */
  path: string;
  query?: Record<string, string | undefined>;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Upload URLs carry their own token and refuse an Authorization header. */
  authenticated?: boolean;
  signal: AbortSignal;
  /** Called right before the request leaves (its token and slot in hand): a send's hand-over. */
  handingOver?: () => void;
}

export interface GraphClientOptions {
  tokens: MailboxTokens;
  /** Names the mailbox (and app) whose concurrency slots the requests share. */
  mailbox: string;
  /** Attempts of one request in all (429s, and 5xx on reads). */
  maxAttempts?: number;
  /** A Retry-After longer than this is not waited for: the call fails with retryAfter instead. */
  maxRetryAfterSeconds?: number;
  /** The most the retries of one request may wait in all. */
  maxTotalWaitMs?: number;
  /**
   * How long one request may go unanswered before it fails as unavailable (a send's outcome then
   * unknown). Not a search's deadline: that is the call's, on the request's signal, and ends first.
   */
  timeoutMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The clock a Retry-After date is counted from. */
  now?: () => Date;
}

export interface GraphClient {
  json<T>(request: GraphRequest): Promise<T>;
  bytes(request: GraphRequest): Promise<Buffer>;
  /** For answers without a body (202 of send, 201 of an upload's last range, 204 of a delete). */
  send(request: GraphRequest): Promise<Response>;
}

/**
 * Hosts an absolute URL from an answer may point at. A nextLink is Graph's own; an upload session's
 * uploadUrl is on Outlook's host ("https://outlook.office.com/api/v2.0/...AttachmentSessions(...)",
 * https://learn.microsoft.com/en-us/graph/api/attachment-createuploadsession) and carries its own token.
 * Anything else would be followed with the mailbox's bearer token, or with its content.
 */
const GRAPH_HOSTS = new Set([new URL(GRAPH_BASE).host]);
const UPLOAD_HOSTS = new Set(["outlook.office.com", "outlook.office365.com", new URL(GRAPH_BASE).host]);

/** The request's URL: a path under /v1.0, or an absolute URL on one of the hosts its kind may use. */
export function graphUrl(request: Pick<GraphRequest, "path" | "query" | "authenticated">): URL {
  if (request.path.startsWith("/")) {
    const url = new URL(`${GRAPH_BASE}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }
  let url: URL | undefined;
  try {
    url = new URL(request.path);
  } catch {
    url = undefined;
  }
  const hosts = request.authenticated === false ? UPLOAD_HOSTS : GRAPH_HOSTS;
  if (
    url === undefined ||
    url.protocol !== "https:" ||
    !hosts.has(url.host) ||
    url.username !== "" ||
    url.password !== ""
  )
    throw new GraphRequestError(
      0,
      "untrusted_url",
      "Graph's answer pointed at a host outside Microsoft Graph and Outlook",
    );
  for (const [name, value] of Object.entries(request.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, value);
  return url;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? 4,
    maxWaitMs: (options.maxRetryAfterSeconds ?? 30) * 1000,
    maxTotalWaitMs: options.maxTotalWaitMs ?? 60_000,
    baseWaitMs: 1000,
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sleep = options.sleep ?? sleepUnlessAborted;
  const now = options.now ?? (() => new Date());

  /** One request; the answer comes with its slot, which its reader gives back once the body is read. */
  async function attempt(
    request: GraphRequest,
    forceRefresh: boolean,
  ): Promise<{ response: Response; release: () => void }> {
    const url = graphUrl(request);
    const headers: Record<string, string> = { prefer: 'IdType="ImmutableId"', ...request.headers };
    if (request.authenticated !== false)
      headers.authorization = `Bearer ${await untilAborted(options.tokens.accessToken(forceRefresh), request.signal)}`;
    if (request.contentType) headers["content-type"] = request.contentType;
    const release = await acquireMailboxSlot(options.mailbox, request.signal);
    try {
      request.handingOver?.();
      const response = await fetch(url, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]),
      });
      return { response, release };
    } catch (error) {
      release();
      request.signal.throwIfAborted();
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new GraphRequestError(
        0,
        timedOut ? "timeout" : "network",
        timedOut ? `Graph did not answer within ${timeoutMs / 1000} s` : "the connection to Graph failed",
      );
    }
  }

  /** The request, retried as the rule allows, its successful answer read by `readBody` while the slot is held. */
  async function exchange<T>(request: GraphRequest, readBody: (response: Response) => Promise<T>): Promise<T> {
    let refreshed = false;
    let waitedMs = 0;
    const read = request.method === "GET";
    const retry = async (wait: number) => {
      waitedMs += wait;
      await sleep(wait, request.signal);
      request.signal.throwIfAborted();
    };
    for (let attempted = 1; ; attempted++) {
      let answer: Awaited<ReturnType<typeof attempt>>;
      try {
        answer = await attempt(request, refreshed);
      } catch (error) {
        const dropped = error instanceof GraphRequestError && error.code === "network";
        const wait = dropped
          ? retryWaitMs({ kind: "unavailable" }, { attempt: attempted, read, waitedMs }, policy)
          : undefined;
        if (wait === undefined) throw refreshed ? refusedAfter401(error) : error;
        await retry(wait);
        continue;
      }
      const { response, release } = answer;
      if (response.ok) {
        try {
          return await readBody(response);
        } catch (error) {
          request.signal.throwIfAborted();
          if (error instanceof GraphRequestError) throw error;
          throw new GraphRequestError(0, "network", "the connection to Graph failed while its answer was read");
        } finally {
          release();
        }
      }
      // Not what was asked: the body read (an error, a proxy's page) and the slot given back.
      let body: ArrayBuffer;
      try {
        body = await response.arrayBuffer();
      } catch {
        body = new ArrayBuffer(0);
      } finally {
        release();
      }
      if (response.status === 401 && request.authenticated !== false) {
        if (refreshed) throw new GrantRefused("Graph refused a freshly refreshed access token");
        refreshed = true;
        attempted--;
        continue;
      }
      const given = retryAfterSeconds(response.headers.get("retry-after"), now());
      // A 504 is Graph giving up after its own timeout (a search too long): another try would wait as long again.
      const kind =
        response.status === 429
          ? "throttled"
          : response.status >= 500 && response.status !== 504
            ? "unavailable"
            : "final";
      const wait = retryWaitMs({ kind, retryAfterSeconds: given }, { attempt: attempted, read, waitedMs }, policy);
      if (wait !== undefined) {
        await retry(wait);
        continue;
      }
      throw errorOf(response, body, given ?? 1);
    }
  }

  return {
    async json<T>(request: GraphRequest) {
      const { response, text } = await exchange(request, async (response) => ({
        response,
        text: await response.text(),
      }));
      try {
        return JSON.parse(text) as T;
      } catch {
        // A proxy's page or a cut-off body: a provider failure. A change that got this answer may have been made.
        throw new GraphRequestError(
          response.status,
          "malformed_response",
          `Graph answered ${response.status} with a body that is not JSON (${response.headers.get("content-type") ?? "no content type"})`,
        );
      }
    },
    async bytes(request: GraphRequest) {
      return exchange(request, async (response) => Buffer.from(await response.arrayBuffer()));
    },
    async send(request: GraphRequest) {
      return exchange(request, async (response) => {
        const body = await response.arrayBuffer();
        const empty = [204, 205, 304].includes(response.status) || body.byteLength === 0;
        return new Response(empty ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      });
    },
  };
}

/**
 * A failure of the retry after Graph's 401 to get a fresh token: Graph refused the request without
 * carrying it out, so a sign-in service that cannot be reached then leaves it refused (a send handed
 * over is then known not sent), not of unknown outcome.
 */
function refusedAfter401(error: unknown): unknown {
  if (error instanceof GraphRequestError || !(error instanceof ProviderFailure) || error.refusedBeforeActing)
    return error;
  return new ProviderFailure("refused", error.detail, error.retryAfterSeconds);
}

function errorOf(response: Response, raw: ArrayBuffer, retryAfterSeconds: number): GraphRequestError {
  let code = `http_${response.status}`;
  let message = response.statusText;
  try {
    const body = JSON.parse(Buffer.from(raw).toString("utf8")) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not Graph's JSON error shape (a proxy's page): the status says enough.
  }
  return new GraphRequestError(
    response.status,
    code,
    `Graph answered ${response.status} ${code}: ${message}`,
    response.status === 429 || response.status === 503 ? retryAfterSeconds : undefined,
  );
}

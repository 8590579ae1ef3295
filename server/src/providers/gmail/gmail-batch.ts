// Messages (format full: the MIME tree without attachment data) for a page of ids in few round
// trips: Gmail's batch endpoint, at most 50 calls per batch (Google's advice for Gmail; the endpoint
// takes 100). Hand-written because @googleapis/gmail has no batch support: the request is
// multipart/mixed of application/http parts and so is the answer, each part with its own status.
// Gmail runs a batch's parts at once against the user's concurrent-request limit and refuses the parts
// past it 429 "Too many concurrent requests for user" (no Retry-After); Google names no figure. So
// the parts refused are sent again at once in batches no larger than the number Gmail ran, a size
// kept for the provider's later batches; other failures worth retrying (401 once, rate limits with
// a Retry-After, 5xx, a batch that ran nothing) go again under the providers' retry rule, only the
// parts that failed. A message deleted since it was listed (404) is left out.
import { randomUUID } from "node:crypto";
import type { gmail_v1 } from "@googleapis/gmail";
import { waitBeforeRetry, type GmailCalls } from "./gmail-calls.js";
import { failureOfResponse, GmailFailure } from "./gmail-failure.js";

export const BATCH_URL = "https://gmail.googleapis.com/batch/gmail/v1";
export const BATCH_MAX_CALLS = 50;

/** Parts a batch carries for a provider's user: BATCH_MAX_CALLS until Gmail ran fewer at once. */
const batchSizes = new WeakMap<GmailCalls, number>();

/** The messages in format full, by id; ids Gmail no longer has are absent. */
export async function batchGetMessages(
  calls: GmailCalls,
  ids: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, gmail_v1.Schema$Message>> {
  const found = new Map<string, gmail_v1.Schema$Message>();
  let pending = [...ids];
  let reauthorized = false;
  let waitedMs = 0;
  /** Rounds in a row that fetched nothing: the attempts of the retry rule. */
  let idle = 0;
  while (pending.length > 0) {
    const size = batchSizes.get(calls) ?? BATCH_MAX_CALLS;
    const round = pending.slice(0, size);
    const answers = await calls.call(
      (options) =>
        sendBatch(
          calls,
          round.map((id) => `/gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=full`),
          options,
        ),
      signal,
      true,
    );
    const failed: { id: string; failure: GmailFailure }[] = [];
    round.forEach((id, index) => {
      const answer = answers[index];
      if (answer === undefined)
        failed.push({ id, failure: new GmailFailure("unavailable", "Gmail's batch answer lacks a part") });
      else if (answer.status === 200) found.set(id, answer.body as gmail_v1.Schema$Message);
      else if (answer.status !== 404)
        failed.push({ id, failure: failureOfResponse(answer.status, answer.retryAfter, answer.body) });
    });
    pending = [...failed.map((entry) => entry.id), ...pending.slice(round.length)];
    if (failed.length === 0) {
      idle = 0;
      continue;
    }
    const first = (failed[0] as { failure: GmailFailure }).failure;
    if (failed.some((entry) => entry.failure.httpStatus === 401) && !reauthorized) {
      reauthorized = true;
      calls.dropAccessToken();
      continue;
    }
    const final = failed.find((entry) => entry.failure.kind !== "rate_limited" && entry.failure.kind !== "unavailable");
    if (final !== undefined) throw final.failure;
    const ran = round.length - failed.length;
    const refusedForConcurrency = failed.every(
      (entry) => entry.failure.kind === "rate_limited" && entry.failure.retryAfterSeconds === undefined,
    );
    if (ran > 0 && refusedForConcurrency) {
      batchSizes.set(calls, ran);
      idle = 0;
      continue;
    }
    idle++;
    const wait = waitBeforeRetry(first, { attempt: idle, read: true, waitedMs }, calls.policy);
    if (wait === undefined) throw first;
    waitedMs += wait;
    await calls.policy.sleep(wait, signal);
  }
  return found;
}

interface PartAnswer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** One batch round trip; answers in the order of the paths. */
async function sendBatch(
  calls: GmailCalls,
  paths: readonly string[],
  options: { timeout: number; signal: AbortSignal },
): Promise<PartAnswer[]> {
  const boundary = `batch_${randomUUID()}`;
  const body =
    paths
      .map(
        (path, index) =>
          `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-${index}>\r\n\r\nGET ${path} HTTP/1.1\r\n\r\n`,
      )
      .join("") + `--${boundary}--\r\n`;
  const response = await calls.oauth.request<string>({
    url: BATCH_URL,
    method: "POST",
    headers: { "content-type": `multipart/mixed; boundary=${boundary}` },
    data: body,
    responseType: "text",
    retry: false,
    timeout: options.timeout,
    signal: options.signal,
  });
  const responseBoundary = /boundary="?([^";]+)"?/iu.exec(response.headers.get("content-type") ?? "")?.[1];
  if (responseBoundary === undefined) throw new GmailFailure("unavailable", "Gmail's batch answer is not multipart");
  const answers: PartAnswer[] = [];
  for (const part of splitParts(String(response.data), responseBoundary)) {
    const index = /<response-item-(\d+)>/u.exec(part.headers)?.[1];
    if (index === undefined) continue;
    answers[Number(index)] = parseHttpResponse(part.body);
  }
  return answers;
}

/** The parts of a multipart body: each one's header block and what follows it. */
function splitParts(text: string, boundary: string): { headers: string; body: string }[] {
  return text
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith("--"))
    .map((chunk) => {
      const trimmed = chunk.replace(/^\r?\n/u, "");
      const end = trimmed.search(/\r?\n\r?\n/u);
      if (end < 0) return { headers: trimmed, body: "" };
      const separator = /\r?\n\r?\n/u.exec(trimmed.slice(end))?.[0].length ?? 2;
      return { headers: trimmed.slice(0, end), body: trimmed.slice(end + separator) };
    });
}

/** An application/http part: status line, headers, JSON body. */
function parseHttpResponse(text: string): PartAnswer {
  const end = text.search(/\r?\n\r?\n/u);
  const head = end < 0 ? text : text.slice(0, end);
  const body =
    end < 0
      ? ""
      : text
          .slice(end)
          .replace(/^\r?\n\r?\n/u, "")
          .trim();
  const [statusLine = "", ...headerLines] = head.split(/\r?\n/u);
  const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/u.exec(statusLine)?.[1] ?? 0);
  const retryAfter =
    headerLines.find((line) => /^retry-after:/iu.test(line))?.replace(/^retry-after:\s*/iu, "") ?? null;
  let parsed: unknown;
  try {
    parsed = body === "" ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return { status, retryAfter, body: parsed };
}

// htmlparser2, under sanitize-html, is quadratic in tag nesting (its open-element stack grows by
// unshift): 500,000 nested <div> took 103 s. A stranger's HTML is therefore sanitized in a worker
// thread with a deadline, so that one hostile email neither stalls other requests nor its reader.
// Small HTML cannot nest deeply enough to matter and is sanitized in place, without the round trip.
import { Piscina } from "piscina";
import { sanitizeEmailHtml } from "./sanitize.js";

/** Below this many UTF-16 units, nesting is at most ~6,500 deep: about 20 ms in place. */
export const SANITIZE_IN_PLACE_MAX_LENGTH = 32_768;
/** Past this, the HTML is cut before sanitizing (and the result says truncated). */
export const SANITIZE_INPUT_MAX_LENGTH = 1_000_000;
/** How long one sanitize may take in the worker; past it the worker is stopped and the body is given up. */
export const SANITIZE_DEADLINE_MS = 1_500;

export interface SanitizeOutcome {
  html: string;
  complete: boolean;
}

let pool: Piscina | undefined;

function workerPool(): Piscina {
  // Under tsx or vitest this module is TypeScript: the worker then loads its source through tsx.
  const fromSource = import.meta.url.endsWith(".ts");
  pool ??= new Piscina({
    filename: new URL(fromSource ? "./sanitize-worker.ts" : "./sanitize-worker.js", import.meta.url).href,
    execArgv: fromSource ? ["--import", "tsx"] : [],
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 30_000,
  });
  return pool;
}

/**
 * Sanitized HTML, or as much of it as the bounds allow: input past SANITIZE_INPUT_MAX_LENGTH is cut
 * first, and HTML the worker cannot sanitize within SANITIZE_DEADLINE_MS is given up as "".
 * `complete` is false whenever anything was left out.
 */
export async function sanitizeBounded(html: string): Promise<SanitizeOutcome> {
  if (html.length <= SANITIZE_IN_PLACE_MAX_LENGTH) return { html: sanitizeEmailHtml(html), complete: true };
  const cut = html.length > SANITIZE_INPUT_MAX_LENGTH;
  const input = cut ? html.slice(0, endBeforeHalfPair(html, SANITIZE_INPUT_MAX_LENGTH)) : html;
  try {
    const sanitized = (await workerPool().run(input, { signal: AbortSignal.timeout(SANITIZE_DEADLINE_MS) })) as string;
    return { html: sanitized, complete: !cut };
  } catch (error) {
    if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
      return { html: "", complete: false };
    }
    throw error;
  }
}

/** Never cuts between the two halves of a surrogate pair. */
function endBeforeHalfPair(text: string, end: number): number {
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** Stops the worker threads (tests and shutdown); the next sanitize starts a new pool. */
export async function closeSanitizePool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}

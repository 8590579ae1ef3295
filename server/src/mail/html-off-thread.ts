// A stranger's HTML is sanitized, and turned into text, in a worker thread with a deadline:
// htmlparser2 (under sanitize-html and html-to-text) is quadratic in tag nesting (500,000 nested
// <div> took 103 s), and even flat HTML of 1 MB took half a second to convert, so that one hostile
// email would stall every other request and its own reader. Small HTML cannot cost enough to
// matter and is handled in place, without the round trip.
import type { Piscina } from "piscina";
import type { HtmlTask } from "./html-worker.js";

/** Below this many UTF-16 units, HTML takes about 20 ms at worst in place (nesting at most ~6,500 deep). */
export const SANITIZE_IN_PLACE_MAX_LENGTH = 32_768;
/**
 * The same for Markdown and for leaving quotes out, whose libraries walk the tree recursively:
 * 2,900 nested <div> (32 KB) took 470 ms in place (the stack overflows, and the text is derived
 * instead). Below 4 KB the nesting cannot pass ~400 levels.
 */
export const MARKDOWN_IN_PLACE_MAX_LENGTH = 4_096;
/**
 * Past this, the HTML is cut before it is handled (and the result says truncated): twice the
 * longest body_html (200,000) and four times the longest body_text (100,000) an answer carries.
 */
export const SANITIZE_INPUT_MAX_LENGTH = 400_000;
/**
 * How long the HTML of one message may take in the worker, its text and its sanitizing together;
 * past it the worker is stopped and what was not done is given up.
 */
export const SANITIZE_DEADLINE_MS = 1_500;

export interface HtmlOutcome {
  /** The sanitized HTML, or the text. */
  value: string;
  complete: boolean;
}

type Task = HtmlTask["kind"];
// Each library is loaded by the first HTML handled in place that needs it, not at start.
const IN_PLACE: Record<Task, () => Promise<(html: string) => string>> = {
  sanitize: async () => (await import("./sanitize.js")).sanitizeEmailHtml,
  toText: async () => (await import("./html-text.js")).htmlToPlainText,
  toMarkdown: async () => (await import("./html-markdown.js")).htmlToMarkdown,
};
const withoutQuoted = async () => (await import("./quoted-html.js")).withoutQuotedHtml;

// piscina is loaded, and its worker started, by the first HTML too large to handle in place.
let pool: Promise<Piscina> | undefined;

function workerPool(): Promise<Piscina> {
  // Under tsx or vitest this module is TypeScript: the worker then loads its source through tsx.
  const fromSource = import.meta.url.endsWith(".ts");
  pool ??= import("piscina").then(
    ({ Piscina }) =>
      new Piscina({
        filename: new URL(fromSource ? "./html-worker.ts" : "./html-worker.js", import.meta.url).href,
        execArgv: fromSource ? ["--import", "tsx"] : [],
        // One warm worker: a read does not wait for one to start, nor for one to replace a stopped one.
        minThreads: 1,
        maxThreads: 1,
        idleTimeout: 30_000,
      }),
  );
  return pool;
}

/**
 * Sanitized HTML, or as much of it as the bounds allow: input past SANITIZE_INPUT_MAX_LENGTH is cut
 * first, and HTML the worker cannot sanitize within SANITIZE_DEADLINE_MS is given up as "".
 * `complete` is false whenever anything was left out.
 */
export function sanitizeBounded(html: string, deadline = htmlDeadline()): Promise<HtmlOutcome> {
  return bounded("sanitize", html, deadline);
}

/** The text of an HTML body, within the same bounds as sanitizeBounded; without its quoted messages on request. */
export function htmlTextBounded(html: string, deadline = htmlDeadline(), stripQuoted = false): Promise<HtmlOutcome> {
  return bounded("toText", html, deadline, stripQuoted);
}

/** An HTML body as Markdown (html-markdown.ts), within the same bounds; without its quoted messages on request. */
export function htmlMarkdownBounded(
  html: string,
  deadline = htmlDeadline(),
  stripQuoted = false,
): Promise<HtmlOutcome> {
  return bounded("toMarkdown", html, deadline, stripQuoted);
}

/** When the HTML of one message must be done: the tasks of one message share it. */
export function htmlDeadline(): number {
  return Date.now() + SANITIZE_DEADLINE_MS;
}

async function bounded(task: Task, html: string, deadline: number, stripQuoted = false): Promise<HtmlOutcome> {
  const inPlaceMax = task === "toMarkdown" || stripQuoted ? MARKDOWN_IN_PLACE_MAX_LENGTH : SANITIZE_IN_PLACE_MAX_LENGTH;
  if (html.length <= inPlaceMax) {
    const input = stripQuoted ? (await withoutQuoted())(html) : html;
    return { value: (await IN_PLACE[task]())(input), complete: true };
  }
  const cut = html.length > SANITIZE_INPUT_MAX_LENGTH;
  const input = cut ? html.slice(0, endBeforeHalfPair(html, SANITIZE_INPUT_MAX_LENGTH)) : html;
  try {
    const value = (await (
      await workerPool()
    ).run({ kind: task, html: input, stripQuoted } satisfies HtmlTask, {
      signal: AbortSignal.timeout(Math.max(0, deadline - Date.now())),
    })) as string;
    return { value, complete: !cut };
  } catch (error) {
    if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
      return { value: "", complete: false };
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
export async function closeHtmlWorkers(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await (await closing)?.destroy();
}

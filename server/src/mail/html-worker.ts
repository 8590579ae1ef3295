// The worker side of html-off-thread.ts: one HTML body per task, off the event loop.
import { htmlToMarkdown } from "./html-markdown.js";
import { htmlToPlainText } from "./html-text.js";
import { withoutQuotedHtml } from "./quoted-html.js";
import { sanitizeEmailHtml } from "./sanitize.js";

export interface HtmlTask {
  kind: "sanitize" | "toText" | "toMarkdown";
  html: string;
  /** Leave out the quoted earlier messages first (quoted-html.ts). */
  stripQuoted?: boolean;
}

const TASKS: Record<HtmlTask["kind"], (html: string) => string> = {
  sanitize: sanitizeEmailHtml,
  toText: htmlToPlainText,
  toMarkdown: htmlToMarkdown,
};

// A default export: piscina loads a worker whose tasks are named exports differently, and that
// way fails under tsx (tests and development run this file as TypeScript).
export default function runHtmlTask({ kind, html, stripQuoted = false }: HtmlTask): string {
  return TASKS[kind](stripQuoted ? withoutQuotedHtml(html) : html);
}

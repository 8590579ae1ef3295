// The worker side of html-off-thread.ts: one HTML body per task, off the event loop.
import { htmlToPlainText } from "./html-text.js";
import { sanitizeEmailHtml } from "./sanitize.js";

export interface HtmlTask {
  kind: "sanitize" | "toText";
  html: string;
}

// A default export: piscina loads a worker whose tasks are named exports differently, and that
// way fails under tsx (tests and development run this file as TypeScript).
export default function runHtmlTask({ kind, html }: HtmlTask): string {
  return kind === "sanitize" ? sanitizeEmailHtml(html) : htmlToPlainText(html);
}

// The text of an HTML body, as mailparser itself derives it (html-to-text, nesting past 1,000
// levels left out), for messages without a text part. Called here rather than by mailparser, so
// that a large body is converted off the event loop like its sanitizing (html-off-thread.ts).
import { convert } from "html-to-text";

/** mailparser's own bound on the nesting it converts. */
const MAX_DEPTH = 1_000;

export function htmlToPlainText(html: string): string {
  return convert(html, { limits: { maxDepth: MAX_DEPTH } });
}

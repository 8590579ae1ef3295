// An HTML body as Markdown, for read_email's body_format markdown: sanitized first (sanitize.ts:
// nothing a stranger's markup hides survives, no remote image), then converted by
// node-html-markdown, which keeps headings, lists, emphasis, links, code and tables.
import { NodeHtmlMarkdown } from "node-html-markdown";
import { sanitizeEmailHtml } from "./sanitize.js";

const converter = new NodeHtmlMarkdown({ maxConsecutiveNewlines: 2, useLinkReferenceDefinitions: false });

export function htmlToMarkdown(html: string): string {
  return converter.translate(sanitizeEmailHtml(html)).trim();
}

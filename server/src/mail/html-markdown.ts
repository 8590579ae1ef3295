// An HTML body as Markdown, for read_email's body_format markdown: sanitized first (sanitize.ts:
// nothing a stranger's markup hides survives, no remote image), then converted by
// node-html-markdown, which keeps headings, lists, emphasis, links, code and tables; its text when
// the HTML is nested too deep to convert.
import { NodeHtmlMarkdown } from "node-html-markdown";
import { htmlToPlainText } from "./html-text.js";
import { sanitizeEmailHtml } from "./sanitize.js";

const converter = new NodeHtmlMarkdown({ maxConsecutiveNewlines: 2, useLinkReferenceDefinitions: false });

export function htmlToMarkdown(html: string): string {
  const sanitized = sanitizeEmailHtml(html);
  try {
    return converter.translate(sanitized).trim();
  } catch (error) {
    // node-html-markdown recurses through the tree: HTML nested a few thousand deep (a stranger's
    // bomb) overflows the stack. Its text, which html-to-text derives within a depth bound, is
    // still the message.
    if (error instanceof RangeError) return htmlToPlainText(sanitized);
    throw error;
  }
}

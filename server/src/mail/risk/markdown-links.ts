// The links of a Markdown body ([text](target)), as read_email gives the body with body_format
// markdown: the same links an HTML body has, when the caller did not ask for the HTML itself.
import { LINKS_MAX, LINK_TEXT_MAX_LENGTH, type HtmlLink } from "./html-links.js";

/** Only the start of a body is read: each "[" costs at most a 300-character scan. */
export const MARKDOWN_INPUT_MAX_LENGTH = 200_000;

// Linear: a bounded text without brackets or line breaks, then a bounded target without spaces.
const MARKDOWN_LINK = /\[([^[\]\n]{1,300})\]\(\s*<?([^\s()<>]{1,4096})>?(?:\s+"[^"\n]{0,300}")?\s*\)/g;

/** The first LINKS_MAX inline links of the Markdown, in order; images are not links. */
export function markdownLinks(markdown: string): HtmlLink[] {
  const links: HtmlLink[] = [];
  for (const match of markdown.slice(0, MARKDOWN_INPUT_MAX_LENGTH).matchAll(MARKDOWN_LINK)) {
    if (match.index > 0 && markdown[match.index - 1] === "!") continue;
    const text = (match[1] ?? "")
      .replace(/\\([\\`*_{}[\]()#+\-.!])/g, "$1")
      .replace(/\s+/g, " ")
      .trim();
    links.push({ href: match[2] ?? "", text: text.slice(0, LINK_TEXT_MAX_LENGTH) });
    if (links.length >= LINKS_MAX) break;
  }
  return links;
}

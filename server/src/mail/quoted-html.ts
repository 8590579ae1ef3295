// The quoted earlier messages of a reply, as mail clients mark them in HTML, taken out before the
// body is sanitized (sanitizing drops the classes and ids that mark them): Gmail's gmail_quote
// blocks, blockquote type=cite (Apple Mail, Thunderbird) with Thunderbird's moz-cite-prefix and an
// attribution line ("On ... wrote:") just before it, Yahoo's yahoo_quoted, and Outlook's
// divRplyFwdMsg or appendonsend marker with everything after it. When that leaves no text, the
// body is kept whole: a message that is all quote is better read than emptied; so is HTML nested
// too deep to walk.
import render from "dom-serializer";
import { isTag, type AnyNode, type Element } from "domhandler";
import { getElementsByTagName, removeElement, textContent } from "domutils";
import { parseDocument } from "htmlparser2";
import { isAttribution } from "./quoted-text.js";

export function withoutQuotedHtml(html: string): string {
  try {
    return stripQuotes(html);
  } catch (error) {
    // Walking and writing the tree recurse: HTML nested a few thousand deep (a stranger's bomb)
    // overflows the stack. Leaving quotes in is the safe way to fail; the body is still read.
    if (error instanceof RangeError) return html;
    throw error;
  }
}

function stripQuotes(html: string): string {
  // Character references stay as written: decoded, "&lt;b&gt;" would come back as markup.
  const document = parseDocument(html, { decodeEntities: false });
  const elements = getElementsByTagName(() => true, document.children, true);
  const doomed = new Set<AnyNode>();
  for (const element of elements) {
    if (isQuote(element)) {
      doomed.add(element);
      const before = previousElement(element);
      if (before !== undefined && isAttribution(textContent(before))) doomed.add(before);
    } else if (isOutlookMarker(element)) {
      for (let node: AnyNode | null = element; node !== null && node !== document; node = node.parent)
        for (let next: AnyNode | null = node === element ? node : node.next; next !== null; next = next.next)
          doomed.add(next);
    }
  }
  if (doomed.size === 0) return html;
  for (const node of doomed) removeElement(node);
  return textContent(document).trim() === "" ? html : render(document, { decodeEntities: false });
}

function classes(element: Element): string[] {
  return (element.attribs.class ?? "").toLowerCase().split(/\s+/u);
}

function isQuote(element: Element): boolean {
  const names = classes(element);
  if (names.some((name) => name === "gmail_quote" || name === "gmail_quote_container" || name === "yahoo_quoted"))
    return true;
  if (names.includes("moz-cite-prefix") || names.includes("gmail_attr")) return true;
  return element.name === "blockquote" && (element.attribs.type ?? "").toLowerCase() === "cite";
}

function isOutlookMarker(element: Element): boolean {
  const id = (element.attribs.id ?? "").toLowerCase();
  return id === "divrplyfwdmsg" || id === "appendonsend";
}

function previousElement(element: Element): Element | undefined {
  for (let node = element.prev; node !== null; node = node.prev) {
    if (isTag(node)) return node;
    if (textContent(node).trim() !== "") return undefined;
  }
  return undefined;
}

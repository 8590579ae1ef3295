// The links of an HTML body with the text a reader sees on them. Read with htmlparser2's
// tokenizer alone: its Parser keeps open elements in an array it shifts at every tag, quadratic
// in nesting (200,000 nested <div> took 30 s), and a link needs no tree.
import { Tokenizer } from "htmlparser2";

export const HTML_INPUT_MAX_LENGTH = 1_000_000;
export const LINKS_MAX = 500;
export const LINK_TEXT_MAX_LENGTH = 300;
const HREF_MAX_LENGTH = 4_096;

export interface HtmlLink {
  /** The href, entities decoded. */
  href: string;
  /** The visible text, whitespace collapsed, at most LINK_TEXT_MAX_LENGTH characters. */
  text: string;
}

/** Elements whose content is no visible text. */
const HIDDEN_CONTENT = new Set(["script", "style", "title", "template", "noscript"]);

/** The first LINKS_MAX links (<a href>) of the HTML, in document order. */
export function htmlLinks(html: string): HtmlLink[] {
  const source = html.slice(0, HTML_INPUT_MAX_LENGTH);
  const links: HtmlLink[] = [];
  let tag = "";
  let attribute = "";
  let value = "";
  let href: string | null = null;
  let anchor: { href: string | null; text: string } | null = null;
  let hidden: string | null = null;

  const closeAnchor = (): void => {
    if (anchor !== null && anchor.href !== null && links.length < LINKS_MAX)
      links.push({ href: anchor.href, text: collapse(anchor.text) });
    anchor = null;
    if (links.length >= LINKS_MAX) tokenizer.pause();
  };
  const addText = (text: string): void => {
    if (anchor === null || hidden !== null || anchor.text.length > LINK_TEXT_MAX_LENGTH * 2) return;
    anchor.text += text.slice(0, LINK_TEXT_MAX_LENGTH * 2);
  };
  const openTagEnd = (): void => {
    if (tag === "a") {
      closeAnchor();
      anchor = { href, text: "" };
    } else if (HIDDEN_CONTENT.has(tag)) hidden ??= tag;
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = source.slice(start, end).toLowerCase();
        href = null;
      },
      onattribname(start, end) {
        attribute = source.slice(start, end).toLowerCase();
        value = "";
      },
      onattribdata(start, end) {
        if (value.length < HREF_MAX_LENGTH) value += source.slice(start, Math.min(end, start + HREF_MAX_LENGTH));
      },
      onattribentity(codepoint) {
        if (value.length < HREF_MAX_LENGTH) value += String.fromCodePoint(codepoint);
      },
      onattribend() {
        if (tag === "a" && attribute === "href" && href === null) href = value.slice(0, HREF_MAX_LENGTH);
      },
      onopentagend: openTagEnd,
      onselfclosingtag: openTagEnd,
      onclosetag(start, end) {
        const name = source.slice(start, end).toLowerCase();
        if (name === "a") closeAnchor();
        else if (name === hidden) hidden = null;
      },
      ontext(start, end) {
        addText(source.slice(start, Math.min(end, start + LINK_TEXT_MAX_LENGTH * 2)));
      },
      ontextentity(codepoint) {
        addText(String.fromCodePoint(codepoint));
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
    },
  );
  tokenizer.write(source);
  if (tokenizer.running) tokenizer.end();
  closeAnchor();
  return links;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, LINK_TEXT_MAX_LENGTH);
}

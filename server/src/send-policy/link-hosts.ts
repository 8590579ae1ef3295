// The hosts a message links to, for the rule against external links. A message can point a reader
// (or a mail client fetching images) at a host in many ways, so every piece of text is scanned,
// not only <a href>: the plain-text body, and in the HTML every text and attribute value (href,
// src, srcset, style url(...)), entities decoded. A URL is what a browser would follow: a scheme
// with or without slashes (http:evil.test is http://evil.test/), backslashes for slashes, or "//"
// alone; its host is read by WHATWG URL, so percent-escapes, IDNs and numeric IPv4 forms land as
// the browser would resolve them. Bare domains without a scheme ("see evil.test") are not links.
import { Tokenizer } from "htmlparser2";

// A scheme is matched even inside a word: text joined across tags ("x<b>http://...") has no boundary.
const SCHEMED = /(?:https?|ftps?|wss?):[\\/\s]*([^\s\\/?#"'<>()[\]{}|^`,;]+)/giu;
const SCHEMELESS = /(?:^|[^\w:\\/])[\\/]{2}([^\s\\/?#"'<>()[\]{}|^`,;]+)/gu;
const WWW = /(?:^|[^\w.@-])(www\.[^\s\\/?#"'<>()[\]{}|^`,;]+)/giu;

/** The distinct hosts (lower case, as URL gives them) that any of the texts links to. */
export function linkHosts(texts: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const text of texts) {
    for (const pattern of [SCHEMED, SCHEMELESS, WWW]) {
      for (const match of text.matchAll(pattern)) {
        const host = hostOf(match[1] ?? "");
        if (host !== undefined) hosts.add(host);
      }
    }
  }
  return hosts;
}

export interface HtmlPieces {
  /** The document's text as read, tags removed without a space (so "<b>wi</b>re" is "wire"), entities decoded. */
  text: string;
  /** Every attribute value and comment, entities decoded, in document order. */
  attributes: string[];
}

/** The text and the attribute values of an HTML document, read with htmlparser2's tokenizer (linear in any nesting). */
export function htmlPieces(html: string): HtmlPieces {
  const texts: string[] = [];
  const attributes: string[] = [];
  let value = "";
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onattribname: () => void (value = ""),
      onattribdata: (start, end) => void (value += html.slice(start, end)),
      onattribentity: (codepoint) => void (value += String.fromCodePoint(codepoint)),
      onattribend: () => void attributes.push(value),
      ontext: (start, end) => void texts.push(html.slice(start, end)),
      ontextentity: (codepoint) => void texts.push(String.fromCodePoint(codepoint)),
      oncomment: (start, end) => void attributes.push(html.slice(start, end)),
      oncdata: (start, end) => void texts.push(html.slice(start, end)),
      onopentagname: () => undefined,
      onopentagend: () => undefined,
      onselfclosingtag: () => undefined,
      onclosetag: () => undefined,
      ondeclaration: () => undefined,
      onprocessinginstruction: () => undefined,
      onend: () => undefined,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return { text: texts.join(""), attributes };
}

function hostOf(authority: string): string | undefined {
  const withoutUser = authority.slice(authority.lastIndexOf("@") + 1);
  if (withoutUser === "") return undefined;
  try {
    const host = new URL(`http://${withoutUser}`).hostname.replace(/\.$/u, "");
    return host === "" ? undefined : host;
  } catch {
    return undefined;
  }
}

// A link whose visible text names one domain while it leads to another: the text shows
// "paypal.com", the href goes elsewhere, to an IP address, or hides its host behind a user name
// ("https://paypal.com@evil.test/").
import { isIpLiteral, registrableDomain } from "./domain-names.js";
import type { HtmlLink } from "./html-links.js";
import { domainShownIn } from "./shown-domain.js";

const FOLLOWED_PROTOCOLS = new Set(["http:", "https:", "ftp:"]);

/** Where a link leads, or null for links that lead nowhere on the web (mailto:, tel:, #, relative). */
export function linkTarget(href: string): URL | null {
  const trimmed = href.trim();
  let absolute: string;
  if (trimmed.startsWith("//")) absolute = `https:${trimmed}`;
  else if (/^[a-z][a-z\d+.-]*:/i.test(trimmed)) absolute = trimmed;
  else return null;
  try {
    const url = new URL(absolute);
    return FOLLOWED_PROTOCOLS.has(url.protocol) && url.hostname !== "" ? url : null;
  } catch {
    return null;
  }
}

/** The detail of the first link whose text and target disagree, or null. */
export function findLinkMismatch(links: readonly HtmlLink[]): string | null {
  for (const link of links) {
    const target = linkTarget(link.href);
    if (target === null) continue;
    const shown = domainShownIn(link.text);
    if (shown === null) continue;
    const what = `a link showing ${short(shown.domain)}`;
    if (isIpLiteral(target.hostname)) return `${what} leads to a bare IP address`;
    const actual = registrableDomain(target.hostname);
    if (target.username !== "" || target.password !== "")
      return `${what} hides where it leads (${short(actual ?? "an unnamed host")}) behind a user name`;
    if (actual !== shown.domain) return `${what} leads to ${short(actual ?? "an unnamed host")}`;
  }
  return null;
}

function short(domain: string): string {
  return domain.length <= 60 ? domain : `${domain.slice(0, 59)}…`;
}

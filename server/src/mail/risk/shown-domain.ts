// The domain a piece of text shows a reader: a URL, "www.example.com", "example.com/login", an
// email address, or a bare name under a real suffix ("paypal.com", not "report.pdf" or "v1.2").
import { registrableParts, type DomainParts } from "./domain-names.js";

/** Suffixes that are also file extensions: "README.md" or "setup.py" shows no domain. */
const FILE_EXTENSIONS = new Set(["md", "py", "sh", "pl", "rs", "zip", "mov", "ps", "cc", "so"]);
const TOKEN_MAX_LENGTH = 2_048;
const SCHEME = /^([a-z][a-z\d+.-]{0,30}):\/\//i;
const BARE_HOST = /^[\p{L}\p{N}_-]{1,63}(?:\.[\p{L}\p{N}_-]{1,63}){1,10}\.?$/u;

/** The registrable domain a single token shows, or null when it shows none. */
export function domainShownIn(token: string): DomainParts | null {
  const text = token
    .trim()
    .replace(/^[<([{"'«]+/, "")
    .replace(/[>)\]}"'».,;:!?]+$/, "");
  if (text === "" || text.length > TOKEN_MAX_LENGTH || /\s/.test(text)) return null;
  const scheme = SCHEME.exec(text);
  if (scheme !== null) {
    if (!["http", "https", "ftp"].includes((scheme[1] ?? "").toLowerCase())) return null;
    const host = hostOf(text);
    return host === null ? null : registrableParts(host);
  }
  const at = text.lastIndexOf("@");
  const rest = at >= 0 ? text.slice(at + 1) : text;
  const host =
    /^www\./i.test(rest) || rest.includes("/") ? hostOf(`http://${rest}`) : BARE_HOST.test(rest) ? rest : null;
  if (host === null) return null;
  const parts = registrableParts(host);
  if (parts === null || !parts.knownSuffix) return null;
  const suffix = parts.domain.slice(parts.domain.lastIndexOf(".") + 1);
  return FILE_EXTENSIONS.has(suffix) && at < 0 && !/^www\./i.test(rest) && !rest.includes("/") ? null : parts;
}

/** The host of an absolute URL, or null. */
export function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname;
    return host === "" ? null : host;
  } catch {
    return null;
  }
}

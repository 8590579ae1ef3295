// Domain names as the risk signals compare them: lower-case ASCII (IDNs in punycode), reduced to
// the registrable domain, the part a sender actually controls.
import { domainToASCII } from "node:url";
import { parse } from "tldts";

/** Reserved top-level domains (RFC 2606, RFC 6761) that the public suffix list does not know. */
const RESERVED_SUFFIXES = new Set(["test", "example", "invalid", "localhost"]);
const MAX_HOST_LENGTH = 253;

/** The host in lower-case ASCII, or null when it is not a usable host name (IP literals included). */
export function asciiHost(host: string): string | null {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH * 4) return null;
  const trimmed = host.replace(/\.+$/, "");
  if (trimmed.startsWith("[") || /^[\d.]+$/.test(trimmed) || trimmed.includes(":")) return null;
  const ascii = domainToASCII(trimmed);
  if (ascii === "" || ascii.length > MAX_HOST_LENGTH) return null;
  return ascii;
}

/** Whether a host is an IPv4 or IPv6 literal (as URL gives it: IPv6 in brackets). */
export function isIpLiteral(host: string): boolean {
  return host.startsWith("[") || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

/** The domain of an email address, or null when it has none. */
export function addressDomain(address: string): string | null {
  const at = address.lastIndexOf("@");
  return at < 0 ? null : address.slice(at + 1);
}

export interface DomainParts {
  /** The registrable domain, lower-case ASCII: "example.co.uk". */
  domain: string;
  /** Its label before the public suffix, lower-case ASCII: "example". */
  label: string;
  /** Whether the public suffix is a real one (ICANN's) or a reserved one, not just any last label. */
  knownSuffix: boolean;
}

/** The registrable domain of a host; for hosts under unknown suffixes, its last two labels. */
export function registrableParts(host: string): DomainParts | null {
  const ascii = asciiHost(host);
  if (ascii === null) return null;
  const parsed = parse(ascii);
  if (parsed.isIp === true) return null;
  const suffix = parsed.publicSuffix ?? "";
  const reserved = RESERVED_SUFFIXES.has(suffix);
  let domain = parsed.domain;
  let label = parsed.domainWithoutSuffix;
  if (domain === null || label === null || label === "") {
    const labels = ascii.split(".");
    if (labels.length < 2) return null;
    domain = labels.slice(-2).join(".");
    label = labels[labels.length - 2] ?? "";
  }
  if (label === "") return null;
  return { domain, label, knownSuffix: parsed.isIcann === true || reserved };
}

/** registrableParts(host)?.domain */
export function registrableDomain(host: string): string | null {
  return registrableParts(host)?.domain ?? null;
}

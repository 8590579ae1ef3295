// Whether an address falls under a policy's entry: the same address (compared by addressKey), or
// an address of the entry's domain or of any subdomain of it.
import { domainToASCII } from "node:url";
import { addressKey } from "../mail/addresses.js";

/** The address's domain in lower-case ASCII (IDNs in punycode); "" when it has none. */
export function recipientDomain(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? "" : domainToASCII(address.slice(at + 1).replace(/\.$/u, "")).toLowerCase();
}

/** Whether a host is the domain or one of its subdomains. */
export function isWithinDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The first entry the address falls under, or undefined. */
export function matchingEntry(address: string, entries: readonly string[]): string | undefined {
  if (entries.length === 0) return undefined;
  const key = addressKey(address);
  const domain = recipientDomain(address);
  return entries.find((entry) => (entry.includes("@") ? entry === key : isWithinDomain(domain, entry)));
}

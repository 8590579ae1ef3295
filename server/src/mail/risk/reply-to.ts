// Replies that would go to another organisation than the one that wrote: a Reply-To under another
// registrable domain than From's (the same domain's billing@ for sales@ is ordinary).
import { addressDomain, registrableDomain } from "./domain-names.js";

const REPLY_TO_MAX = 50;

/** The first Reply-To registrable domain other than the sender's, or null. */
export function otherReplyDomain(senderDomain: string | null, replyTo: readonly { address: string }[]): string | null {
  if (senderDomain === null) return null;
  for (const entry of replyTo.slice(0, REPLY_TO_MAX)) {
    const domain = addressDomain(entry.address);
    const registrable = domain === null ? null : registrableDomain(domain);
    if (registrable !== null && registrable !== senderDomain) return registrable;
  }
  return null;
}

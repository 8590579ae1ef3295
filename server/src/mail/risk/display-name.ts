// A display name that names another address or domain than the sender's own:
// "service@paypal.com" <x@evil.test>, "paypal.com support" <x@evil.test>. A brand name alone
// ("PayPal Service") is not this signal; the address's domain speaks for itself.
import { withoutInvisible } from "./skeleton.js";
import { domainShownIn } from "./shown-domain.js";

const NAME_MAX_LENGTH = 1_000;
const TOKENS_MAX = 100;

/** The registrable domain the display name shows that differs from the sender's, or null. */
export function otherDomainInName(name: string, senderDomain: string | null): string | null {
  const readable = withoutInvisible(name.slice(0, NAME_MAX_LENGTH)).normalize("NFKC");
  const tokens = readable.split(/[\s<>()[\]"',;|\\]+/, TOKENS_MAX);
  for (const token of tokens) {
    const shown = domainShownIn(token);
    if (shown !== null && shown.domain !== senderDomain) return shown.domain;
  }
  return null;
}

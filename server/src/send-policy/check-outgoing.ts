// A message checked against a send policy as it would leave: the recipients (a reply's, taken
// from the original; a draft's, as stored), their number, the attachments, the links and the
// phrases. The first rule broken refuses it, before anything is handed to a provider; the hourly
// limit is counted apart, with the send quotas (limits/send-once.ts).
import { sendPolicyRefused, type ExecutionErrorResult } from "@mcpemails/generated";
import type { OutgoingMessage } from "../mail/outgoing.js";
import { uniqueAddresses } from "../mail/addresses.js";
import { htmlPieces, linkHosts } from "./link-hosts.js";
import { firstBlockedPhrase, foldForPhrases } from "./phrase-match.js";
import { isWithinDomain, matchingEntry, recipientDomain } from "./recipient-entries.js";
import type { SendPolicy } from "./send-policy.js";

export type SendPolicyRefusal = ExecutionErrorResult<"send_policy_refused">;

export type OutgoingCheck = (outgoing: OutgoingMessage) => SendPolicyRefusal | undefined;

/** The inbox's own domains: those of its addresses, lower-case ASCII. */
export function ownDomains(ownAddresses: readonly string[]): string[] {
  return [...new Set(ownAddresses.map(recipientDomain).filter((domain) => domain !== ""))];
}

export function checkOutgoing(
  policy: SendPolicy,
  outgoing: OutgoingMessage,
  ownAddresses: readonly string[],
): SendPolicyRefusal | undefined {
  const own = ownDomains(ownAddresses);
  const recipients = uniqueAddresses([...outgoing.to, ...outgoing.cc, ...outgoing.bcc]).map((entry) => entry.address);
  for (const address of recipients) {
    const blocked = matchingEntry(address, policy.blockRecipients);
    if (blocked !== undefined)
      return sendPolicyRefused({ rule: "recipient_blocked", detail: `${address} is blocked (${blocked})` });
    if (policy.allowRecipients.length > 0 && matchingEntry(address, policy.allowRecipients) === undefined)
      return sendPolicyRefused({ rule: "recipient_not_allowed", detail: `${address} is not on the allow list` });
    if (policy.ownDomainsOnly && !own.some((domain) => isWithinDomain(recipientDomain(address), domain)))
      return sendPolicyRefused({
        rule: "outside_own_domain",
        detail: `${address} is outside the inbox's own domains (${own.join(", ") || "none known"})`,
      });
  }
  if (policy.maxRecipients !== null && recipients.length > policy.maxRecipients)
    return sendPolicyRefused({
      rule: "too_many_recipients",
      detail: `${recipients.length} recipients; the policy allows at most ${policy.maxRecipients}`,
    });
  if (policy.noAttachments && outgoing.attachments.length > 0)
    return sendPolicyRefused({
      rule: "attachments_not_allowed",
      detail: `the message has ${outgoing.attachments.length} attachment(s); the policy allows none`,
    });
  const html = htmlPieces(outgoing.html ?? "");
  if (policy.noExternalLinks) {
    const external = [...linkHosts([outgoing.subject, outgoing.text, html.text, ...html.attributes])].find(
      (host) => !own.some((domain) => isWithinDomain(host, domain)),
    );
    if (external !== undefined)
      return sendPolicyRefused({
        rule: "external_link",
        detail: `the message links to ${external}, outside the inbox's own domains`,
      });
  }
  if (policy.blockedPhrases.length > 0) {
    const texts = [outgoing.subject, outgoing.text, html.text].map(foldForPhrases);
    const phrase = firstBlockedPhrase(policy.blockedPhrases, texts);
    if (phrase !== undefined)
      return sendPolicyRefused({
        rule: "blocked_phrase",
        detail: `the message contains the blocked phrase ${JSON.stringify(phrase)}`,
      });
  }
  return undefined;
}

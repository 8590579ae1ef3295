import { describe, expect, it } from "vitest";
import type { OutgoingMessage } from "../mail/outgoing.js";
import { checkOutgoing } from "./check-outgoing.js";
import { OPEN_POLICY, type SendPolicy } from "./send-policy.js";

const OWN = ["agent@acme.example"];

function message(fields: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    to: [{ name: null, address: "bob@partner.example" }],
    cc: [],
    bcc: [],
    replyTo: null,
    subject: "Figures",
    text: "Hello",
    html: undefined,
    attachments: [],
    inReplyTo: null,
    references: [],
    ...fields,
  };
}

const ruleOf = (policy: Partial<SendPolicy>, fields: Partial<OutgoingMessage> = {}) =>
  (checkOutgoing({ ...OPEN_POLICY, ...policy }, message(fields), OWN) as { rule?: string } | undefined)?.rule;

describe("checkOutgoing: the first rule a message breaks", () => {
  it("lets everything through under the open policy", () => {
    expect(
      checkOutgoing(
        OPEN_POLICY,
        message({ attachments: [{ filename: "a", contentType: "text/plain", content: Buffer.from("a") }] }),
        OWN,
      ),
    ).toBeUndefined();
  });

  it("blocks an address or any address of a blocked domain and its subdomains, To, Cc or Bcc, before the allow list", () => {
    expect(ruleOf({ blockRecipients: ["partner.example"] })).toBe("recipient_blocked");
    expect(
      ruleOf(
        { blockRecipients: ["partner.example"] },
        { to: [], bcc: [{ name: null, address: "x@eu.partner.example" }] },
      ),
    ).toBe("recipient_blocked");
    expect(ruleOf({ blockRecipients: ["bob@partner.example"], allowRecipients: ["partner.example"] })).toBe(
      "recipient_blocked",
    );
    expect(ruleOf({ blockRecipients: ["artner.example"] })).toBeUndefined();
  });

  it("with an allow list, refuses any recipient not on it", () => {
    expect(ruleOf({ allowRecipients: ["partner.example"] })).toBeUndefined();
    expect(ruleOf({ allowRecipients: ["BOB@partner.example".toLowerCase()] })).toBeUndefined();
    expect(
      ruleOf({ allowRecipients: ["partner.example"] }, { cc: [{ name: null, address: "eve@evil.example" }] }),
    ).toBe("recipient_not_allowed");
  });

  it("with own domains only, refuses a recipient outside the inbox's domains (their subdomains are inside)", () => {
    expect(ruleOf({ ownDomainsOnly: true })).toBe("outside_own_domain");
    expect(ruleOf({ ownDomainsOnly: true }, { to: [{ name: null, address: "ann@eu.acme.example" }] })).toBeUndefined();
    expect(ruleOf({ ownDomainsOnly: true }, { to: [{ name: null, address: "ann@notacme.example" }] })).toBe(
      "outside_own_domain",
    );
  });

  it("counts distinct recipients across To, Cc and Bcc", () => {
    const bob = { name: null, address: "bob@partner.example" };
    const again = { name: "Bob", address: "BOB@partner.example" };
    expect(ruleOf({ maxRecipients: 1 }, { to: [bob], cc: [again] })).toBeUndefined();
    expect(ruleOf({ maxRecipients: 1 }, { to: [bob], bcc: [{ name: null, address: "c@partner.example" }] })).toBe(
      "too_many_recipients",
    );
  });

  it("refuses attachments, links outside the own domains, and blocked phrases however they are spelled", () => {
    expect(
      ruleOf(
        { noAttachments: true },
        { attachments: [{ filename: "a", contentType: "text/plain", content: Buffer.from("a") }] },
      ),
    ).toBe("attachments_not_allowed");
    expect(ruleOf({ noExternalLinks: true }, { text: "https://docs.acme.example/x" })).toBeUndefined();
    expect(ruleOf({ noExternalLinks: true }, { html: '<img src="https://t.evil.example/p.gif">' })).toBe(
      "external_link",
    );
    expect(ruleOf({ blockedPhrases: ["Wire Transfer"] }, { html: "<p>a WIRE<b>\u200b</b>\n transfer</p>" })).toBe(
      "blocked_phrase",
    );
    expect(ruleOf({ blockedPhrases: ["wire transfer"] }, { subject: "ｗｉｒｅ transfer" })).toBe("blocked_phrase");
    expect(ruleOf({ blockedPhrases: ["wire transfer"] }, { text: "wire the transfer" })).toBeUndefined();
  });
});

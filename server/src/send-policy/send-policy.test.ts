import { describe, expect, it } from "vitest";
import { OPEN_POLICY, parseSendPolicy, policyInForce } from "./send-policy.js";

describe("parseSendPolicy: the one way a policy gets in", () => {
  it("fills the fields left out from the open policy", () => {
    expect(parseSendPolicy({})).toEqual({ ok: true, policy: OPEN_POLICY });
  });

  it("stores addresses in lower case and domains in ASCII, '@example.com' and 'example.com' alike, each once", () => {
    const parsed = parseSendPolicy({
      allowRecipients: ["Alice@Example.COM", "@Partner.example", "partner.example", "bücher.example."],
    });
    expect(parsed).toEqual({
      ok: true,
      policy: { ...OPEN_POLICY, allowRecipients: ["alice@example.com", "partner.example", "xn--bcher-kva.example"] },
    });
  });

  it("names the field and entry at fault", () => {
    expect(parseSendPolicy({ blockRecipients: ["ok.example", "not an address"] })).toEqual({
      ok: false,
      problem: 'blockRecipients[1]: "not an address" is neither an email address nor a domain',
    });
    expect(parseSendPolicy({ maxRecipients: 0 })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("maxRecipients"),
    });
    expect(parseSendPolicy({ sendsPerHour: 1.5 })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("sendsPerHour"),
    });
    expect(parseSendPolicy({ noAttachments: "yes" })).toMatchObject({
      ok: false,
      problem: "noAttachments must be true or false",
    });
    expect(parseSendPolicy({ blockedPhrases: ["  "] })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("blockedPhrases[0]"),
    });
    expect(parseSendPolicy({ maxRecipents: 3 })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("maxRecipents is not a send policy field"),
    });
    expect(parseSendPolicy([])).toMatchObject({ ok: false });
  });

  it("refuses lists past their bounds rather than storing them", () => {
    const many = Array.from({ length: 1_001 }, (_, i) => `d${i}.example`);
    expect(parseSendPolicy({ allowRecipients: many })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("at most 1000"),
    });
    expect(parseSendPolicy({ blockedPhrases: ["x".repeat(201)] })).toMatchObject({ ok: false });
  });
});

describe("policyInForce", () => {
  it("is the key's own policy when it has one, else the workspace's, else none", () => {
    const key = { ...OPEN_POLICY, noAttachments: true };
    const workspace = { ...OPEN_POLICY, maxRecipients: 3 };
    const inbox = { requireApproval: false };
    expect(policyInForce(key, workspace, inbox)).toBe(key);
    expect(policyInForce(null, workspace, inbox)).toBe(workspace);
    expect(policyInForce(null, null, inbox)).toBeNull();
  });

  it("requires approval from an inbox that requires it, keeping the rest of the policy in force", () => {
    const key = { ...OPEN_POLICY, noAttachments: true };
    const inbox = { requireApproval: true };
    expect(policyInForce(key, null, inbox)).toEqual({ ...key, requireApproval: true });
    expect(policyInForce(null, null, inbox)).toEqual({ ...OPEN_POLICY, requireApproval: true });
    expect(key.requireApproval).toBe(false);
  });
});

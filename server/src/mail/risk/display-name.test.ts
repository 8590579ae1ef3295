import { describe, expect, it } from "vitest";
import { otherDomainInName } from "./display-name.js";

describe("otherDomainInName", () => {
  it("finds an address or a domain in the display name that is not the sender's", () => {
    expect(otherDomainInName("service@paypal.com", "evil.test")).toBe("paypal.com");
    expect(otherDomainInName("paypal.com support", "evil.test")).toBe("paypal.com");
    expect(otherDomainInName("Support (www.PayPal.com)", "evil.test")).toBe("paypal.com");
    expect(otherDomainInName("ｐａｙｐａｌ．ｃｏｍ", "evil.test")).toBe("paypal.com"); // full-width
    expect(otherDomainInName("pay\u200bpal.com", "evil.test")).toBe("paypal.com");
    expect(otherDomainInName("pаypal.com", "evil.test")).toBe("xn--pypal-4ve.com"); // Cyrillic а
  });

  it("accepts the sender's own domain, on any of its hosts", () => {
    expect(otherDomainInName("Booking.com", "booking.com")).toBeNull();
    expect(otherDomainInName("alerts@mail.bank.example", "bank.example")).toBeNull();
  });

  it("is not about brand names: a name alone is for the lookalike and link rules to judge", () => {
    for (const name of ["PayPal Service", "IT Support", "Dr. J.R.R. Smith", "Report v1.2", "田中 太郎", "Carol Dupré"])
      expect(otherDomainInName(name, "evil.test"), name).toBeNull();
  });

  it("reads a 10,000-character name", () => {
    expect(otherDomainInName("x".repeat(10_000), "evil.test")).toBeNull();
    expect(otherDomainInName(`paypal.com ${"x ".repeat(5_000)}`, "evil.test")).toBe("paypal.com");
  });
});

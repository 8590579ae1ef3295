import { describe, expect, it } from "vitest";
import { describeLookalike, lookalikeOf, referencesFor } from "./lookalike-domain.js";

const builtIn = referencesFor([]);
const kindOf = (host: string, own: readonly string[] = []): string | null =>
  lookalikeOf(host, own.length === 0 ? builtIn : referencesFor(own))?.kind ?? null;

describe("lookalikeOf", () => {
  it("flags the same letters from other scripts, in Unicode or punycode", () => {
    expect(lookalikeOf("pаypal.com", builtIn)).toEqual({
      domain: "xn--pypal-4ve.com",
      kind: "unicode",
      imitated: "paypal.com",
    }); // Cyrillic а
    expect(kindOf("xn--pypal-4ve.com")).toBe("unicode");
    expect(kindOf("gοogle.net")).toBe("unicode"); // Greek ο, another suffix
    expect(kindOf("ｇｏｏｇｌｅ.com")).toBeNull(); // full-width folds to google.com itself
    expect(kindOf("paypal.cоm")).toBe("unicode"); // Cyrillic о in the suffix
  });

  it("flags digits and letter pairs standing for letters", () => {
    expect(lookalikeOf("paypa1.com", builtIn)).toMatchObject({ kind: "characters", imitated: "paypal.com" });
    expect(kindOf("rnicrosoft.com")).toBe("characters");
    expect(kindOf("g00gle.com")).toBe("characters");
    expect(kindOf("1inked1n.com")).toBe("characters"); // 1 for l and for i
    expect(kindOf("facebo0k.net")).toBe("characters");
    expect(kindOf("vvellsfargo.com")).toBe("characters");
  });

  it("flags a known name with words around it", () => {
    expect(lookalikeOf("paypa1-secure.com", builtIn)).toMatchObject({ kind: "name", imitated: "paypal.com" });
    expect(kindOf("secure-paypal.com")).toBe("name");
    expect(kindOf("dhl-delivery.info")).toBe("name");
  });

  it("flags names one character away from a known name of five or more letters", () => {
    expect(lookalikeOf("gooogle.com", builtIn)).toMatchObject({ kind: "one_character", imitated: "google.com" });
    expect(kindOf("paypai.com")).toBe("one_character");
    expect(kindOf("netflx.com")).toBe("one_character");
    expect(kindOf("dh1.com")).toBe("characters");
    expect(kindOf("dhk.com")).toBeNull(); // dhl is too short for one character to tell
  });

  it("flags a digit inside a word even when the word imitates nothing known", () => {
    expect(lookalikeOf("examp1e-security.test", builtIn)).toEqual({
      domain: "examp1e-security.test",
      kind: "digit",
      imitated: "example",
    });
    expect(kindOf("acc0unts.example")).toBe("digit");
    expect(kindOf("web3.example")).toBeNull(); // the digit is not inside the word
    expect(kindOf("a1b.example")).toBeNull(); // too short to read as a word
    expect(kindOf("abc2def.example")).toBeNull(); // 2 imitates no letter
  });

  it("measures against the inbox's own domains too", () => {
    expect(kindOf("acme-c0rp.com", ["me@acme-corp.com"])).toBe("characters");
    expect(kindOf("acmecorp-billing.com", ["me@mail.acmecorp.com"])).toBe("name");
    expect(kindOf("acmecorp-billing.com")).toBeNull();
  });

  it("never flags a reference, its subdomains, or the same name under another suffix", () => {
    for (const host of [
      "paypal.com",
      "mail.google.com",
      "accounts.google.com",
      "docusign.net",
      "google.de",
      "amazon.co.uk",
      "example.net",
    ])
      expect(kindOf(host, ["me@example.com"]), host).toBeNull();
  });

  it("leaves ordinary domains alone", () => {
    for (const host of [
      "example.com",
      "bank.example",
      "news.acme.example",
      "lucky-prize.test",
      "ci.example.dev",
      "example.in",
      "bücher.de",
      "xn--bcher-kva.de",
      "box-office.com", // an everyday word is no imitation
      "ample.com",
      "go-live.io",
      "192.168.0.1",
    ])
      expect(kindOf(host), host).toBeNull();
  });
});

describe("describeLookalike", () => {
  it("says where the domain was seen and what it imitates, in at most 200 characters", () => {
    expect(
      describeLookalike("the sender's domain", { domain: "paypa1.com", kind: "characters", imitated: "paypal.com" }),
    ).toBe(
      `the sender's domain "paypa1.com" imitates paypal.com with look-alike characters (such as 1 for l or rn for m)`,
    );
    expect(
      describeLookalike("a link's domain", { domain: "examp1e-security.test", kind: "digit", imitated: "example" }),
    ).toBe(`a link's domain "examp1e-security.test" has a digit imitating a letter (it reads as "example")`);
    const long = describeLookalike("the sender's domain", {
      domain: `${"a".repeat(200)}.com`,
      kind: "one_character",
      imitated: "google.com",
    });
    expect(long.length).toBeLessThanOrEqual(200);
  });
});

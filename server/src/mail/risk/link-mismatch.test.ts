import { describe, expect, it } from "vitest";
import { findLinkMismatch, linkTarget } from "./link-mismatch.js";

const mismatch = (href: string, text: string): string | null => findLinkMismatch([{ href, text }]);

describe("linkTarget", () => {
  it("follows web links only: not mailto:, tel:, javascript:, fragments or relative paths", () => {
    expect(linkTarget("https://bank.example/login")?.hostname).toBe("bank.example");
    expect(linkTarget("//cdn.example/x")?.hostname).toBe("cdn.example");
    for (const href of ["mailto:a@b.example", "tel:+331234", "javascript:alert(1)", "#top", "/login", "login.html", ""])
      expect(linkTarget(href), href).toBeNull();
  });
});

describe("findLinkMismatch", () => {
  it("flags a link whose text shows another domain than the one it leads to", () => {
    expect(mismatch("https://evil.test/login", "https://www.paypal.com/signin")).toBe(
      "a link showing paypal.com leads to evil.test",
    );
    expect(mismatch("https://evil.test/", "www.paypal.com")).toBe("a link showing paypal.com leads to evil.test");
    expect(mismatch("https://evil.test/", "paypal.com/login")).toBe("a link showing paypal.com leads to evil.test");
    expect(mismatch("https://evil.test/", "PayPal.com")).toBe("a link showing paypal.com leads to evil.test");
    expect(mismatch("https://evil.test/", "support@paypal.com")).toBe("a link showing paypal.com leads to evil.test");
  });

  it("flags a link to a bare IP address, or hiding its host behind a user name, when its text shows a domain", () => {
    expect(mismatch("http://192.0.2.7/login", "paypal.com")).toBe(
      "a link showing paypal.com leads to a bare IP address",
    );
    expect(mismatch("http://[2001:db8::1]/", "https://paypal.com")).toBe(
      "a link showing paypal.com leads to a bare IP address",
    );
    expect(mismatch("https://paypal.com@evil.test/", "paypal.com")).toBe(
      "a link showing paypal.com hides where it leads (evil.test) behind a user name",
    );
  });

  it("compares registrable domains: another host of the same domain is fine", () => {
    expect(mismatch("https://www.bank.example/login", "bank.example")).toBeNull();
    expect(mismatch("https://accounts.google.com/", "https://mail.google.com")).toBeNull();
    expect(mismatch("https://xn--bcher-kva.de/", "bücher.de")).toBeNull();
  });

  it("ignores text that shows no domain", () => {
    for (const text of ["online banking", "here", "README.md", "report.pdf", "v1.2", "Click paypal.com now", ""])
      expect(mismatch("https://evil.test/", text), text).toBeNull();
  });

  it("ignores links that lead nowhere on the web", () => {
    expect(mismatch("mailto:x@evil.test", "paypal.com")).toBeNull();
    expect(mismatch("/login", "paypal.com")).toBeNull();
    expect(mismatch("#", "paypal.com")).toBeNull();
  });

  it("reports the first mismatching link", () => {
    expect(
      findLinkMismatch([
        { href: "https://bank.example/", text: "bank.example" },
        { href: "https://one.test/", text: "paypal.com" },
        { href: "https://two.test/", text: "google.com" },
      ]),
    ).toBe("a link showing paypal.com leads to one.test");
  });
});

import { describe, expect, it } from "vitest";
import { addressDomain, asciiHost, isIpLiteral, registrableDomain, registrableParts } from "./domain-names.js";

describe("registrableParts", () => {
  it("reduces a host to the domain its owner registered, under the public suffix list", () => {
    expect(registrableParts("mail.google.com")).toEqual({ domain: "google.com", label: "google", knownSuffix: true });
    expect(registrableParts("a.b.example.co.uk")).toEqual({
      domain: "example.co.uk",
      label: "example",
      knownSuffix: true,
    });
  });

  it("takes the last two labels under reserved and unknown suffixes", () => {
    expect(registrableParts("news.acme.example")).toEqual({ domain: "acme.example", label: "acme", knownSuffix: true });
    expect(registrableParts("it.examp1e-security.test")?.domain).toBe("examp1e-security.test");
    expect(registrableParts("foo.invalid")?.knownSuffix).toBe(true);
    expect(registrableParts("report.pdf")).toEqual({ domain: "report.pdf", label: "report", knownSuffix: false });
  });

  it("gives IDNs in lower-case punycode, and ignores case and a final dot", () => {
    expect(registrableDomain("WWW.PаYPAL.com.")).toBe("xn--pypal-4ve.com");
    expect(registrableDomain("Bücher.de")).toBe(registrableDomain("xn--bcher-kva.de"));
  });

  it("gives nothing for IP literals, single labels and what is no host name", () => {
    for (const host of ["192.168.0.1", "[::1]", "::1", "localhost", "", "a".repeat(300) + ".com"])
      expect(registrableParts(host), host).toBeNull();
  });
});

describe("asciiHost, isIpLiteral, addressDomain", () => {
  it("read hosts and addresses", () => {
    expect(asciiHost("Example.COM")).toBe("example.com");
    expect(isIpLiteral("10.0.0.1")).toBe(true);
    expect(isIpLiteral("[2001:db8::1]")).toBe(true);
    expect(isIpLiteral("example.com")).toBe(false);
    expect(addressDomain("it-support@examp1e-security.test")).toBe("examp1e-security.test");
    expect(addressDomain("no domain")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { defaultSecurity, parseImapSettings } from "./imap-settings.js";

const stored = (imap: object, smtp: object) =>
  JSON.stringify({ imap, smtp, user: "me@example.com", password: "pw", address: "me@example.com" });

describe("IMAP settings", () => {
  it("default to TLS: implicit on 993 and 465, STARTTLS required on every other port", () => {
    expect(defaultSecurity("IMAP", 993)).toBe("tls");
    expect(defaultSecurity("IMAP", 143)).toBe("starttls");
    expect(defaultSecurity("SMTP", 465)).toBe("tls");
    expect(defaultSecurity("SMTP", 587)).toBe("starttls");
    expect(defaultSecurity("SMTP", 993)).toBe("starttls");
  });

  it("stored before `security` existed, `secure: false` now requires STARTTLS instead of falling back to plaintext", () => {
    const settings = parseImapSettings(
      stored(
        { host: "imap.example.com", port: 143, secure: false },
        { host: "smtp.example.com", port: 465, secure: true },
      ),
    );
    expect(settings.imap).toEqual({ host: "imap.example.com", port: 143, security: "starttls" });
    expect(settings.smtp).toEqual({ host: "smtp.example.com", port: 465, security: "tls" });
  });

  it("refuses a security it does not know", () => {
    expect(() =>
      parseImapSettings(stored({ host: "a", port: 1, security: "maybe" }, { host: "b", port: 2, security: "tls" })),
    ).toThrow("the stored IMAP settings of this inbox are incomplete");
  });

  it("may sign in with OAuth instead of a password: a Google or Microsoft refresh token, nothing else", () => {
    const endpoints = {
      imap: { host: "imap.gmail.com", port: 993, security: "tls" },
      smtp: { host: "smtp.gmail.com", port: 465, security: "tls" },
    };
    const withOAuth = (oauth: unknown) =>
      JSON.stringify({ ...endpoints, user: "me@gmail.com", password: "", address: "me@gmail.com", oauth });
    expect(parseImapSettings(withOAuth({ service: "google", refreshToken: "1//r" })).oauth).toEqual({
      service: "google",
      refreshToken: "1//r",
    });
    for (const bad of [{ service: "yahoo", refreshToken: "r" }, { service: "google", refreshToken: "" }, "token"])
      expect(() => parseImapSettings(withOAuth(bad))).toThrow("the stored IMAP settings of this inbox are incomplete");
  });
});

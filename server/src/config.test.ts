import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("configuration from the environment", () => {
  it("defaults to loopback, SQLite in ./data, no OAuth apps, and a pool of 4 IMAP connections per inbox", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 3000,
      redisUrl: undefined,
      publicUrl: "http://127.0.0.1:3000",
      google: undefined,
      microsoft: undefined,
    });
    expect(config.imapPool).toEqual({ maxConnectionsPerInbox: 4, idleCloseMs: 60_000 });
    expect(config.redisCommandTimeoutMs).toBeUndefined();
    expect(loadConfig({ MCPEMAILS_REDIS_COMMAND_TIMEOUT_MS: "250" }).redisCommandTimeoutMs).toBe(250);
  });

  it("configures the OAuth apps with callbacks under the public URL", () => {
    const config = loadConfig({
      MCPEMAILS_PUBLIC_URL: "https://mail.example.com/",
      GOOGLE_CLIENT_ID: "gid",
      GOOGLE_CLIENT_SECRET: "gsecret",
      MICROSOFT_CLIENT_ID: "mid",
      MICROSOFT_CLIENT_SECRET: "msecret",
    });
    expect(config.google).toEqual({
      clientId: "gid",
      clientSecret: "gsecret",
      redirectUri: "https://mail.example.com/oauth/google/callback",
    });
    expect(config.microsoft).toEqual({
      clientId: "mid",
      clientSecret: "msecret",
      tenant: "common",
      redirectUri: "https://mail.example.com/oauth/microsoft/callback",
    });
  });

  it("refuses half a client and a pool size that is not a whole number, naming the variable", () => {
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: "gid" })).toThrow(
      "Set both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, or neither.",
    );
    expect(() => loadConfig({ MCPEMAILS_IMAP_MAX_CONNECTIONS: "0" })).toThrow(
      "MCPEMAILS_IMAP_MAX_CONNECTIONS must be a whole number of at least 1, not 0.",
    );
    expect(loadConfig({ MCPEMAILS_IMAP_MAX_CONNECTIONS: "2", MCPEMAILS_IMAP_IDLE_SECONDS: "5" }).imapPool).toEqual({
      maxConnectionsPerInbox: 2,
      idleCloseMs: 5000,
    });
  });

  it("takes the rate windows per key from MCPEMAILS_RATE_LIMITS, keeping the spec's limit for a window it does not name", () => {
    expect(loadConfig({}).rateWindows.map((w) => `${w.limit}/${w.name}`)).toEqual([
      "100/minute",
      "1000/hour",
      "10000/day",
    ]);
    expect(
      loadConfig({ MCPEMAILS_RATE_LIMITS: "5000/minute, 20000/day" }).rateWindows.map((w) => `${w.limit}/${w.name}`),
    ).toEqual(["5000/minute", "1000/hour", "20000/day"]);
  });

  it("refuses a rate-limit setting it cannot read, naming the part that is wrong", () => {
    expect(() => loadConfig({ MCPEMAILS_RATE_LIMITS: "100/fortnight" })).toThrow(/"100\/fortnight" is not a window/);
    expect(() => loadConfig({ MCPEMAILS_RATE_LIMITS: "0/minute" })).toThrow(/"0\/minute" is not a window/);
    expect(() => loadConfig({ MCPEMAILS_RATE_LIMITS: "10/minute,20/minute" })).toThrow(/minute window twice/);
  });

  it("reads the system mail relay, off when unset", () => {
    expect(loadConfig({}).systemMail).toBeUndefined();
    expect(
      loadConfig({
        MCPEMAILS_SYSTEM_SMTP_URL: "smtps://notices:pw@relay.example.com:465",
        MCPEMAILS_SYSTEM_MAIL_FROM: "server@example.com",
      }).systemMail,
    ).toEqual({ smtpUrl: "smtps://notices:pw@relay.example.com:465", from: "server@example.com" });
    expect(() => loadConfig({ MCPEMAILS_SYSTEM_SMTP_URL: "smtp://relay.example.com" })).toThrow(
      "Set both MCPEMAILS_SYSTEM_SMTP_URL and MCPEMAILS_SYSTEM_MAIL_FROM",
    );
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { startSmtpSink } from "../../test/support/smtp-sink.js";
import { systemMailSettings } from "./system-mail-settings.js";
import { createSystemMailer } from "./system-mailer.js";

const startSink = () => startSmtpSink({ user: "notices", password: "relay-pass" });

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe("system mail settings", () => {
  it("is off when neither variable is set", () => {
    expect(systemMailSettings({})).toBeUndefined();
  });

  it("refuses one variable without the other by name", () => {
    expect(() => systemMailSettings({ MCPEMAILS_SYSTEM_MAIL_FROM: "a@example.com" })).toThrow(
      "Set both MCPEMAILS_SYSTEM_SMTP_URL and MCPEMAILS_SYSTEM_MAIL_FROM",
    );
  });

  it("refuses another scheme without repeating the URL's password", () => {
    const run = () =>
      systemMailSettings({
        MCPEMAILS_SYSTEM_SMTP_URL: "http://u:hunter2secret@relay.example.com",
        MCPEMAILS_SYSTEM_MAIL_FROM: "a@example.com",
      });
    expect(run).toThrow("must start with smtp:// or smtps://");
    expect(run).not.toThrow(/hunter2secret/);
  });

  it("refuses a from that is not one address", () => {
    expect(() =>
      systemMailSettings({
        MCPEMAILS_SYSTEM_SMTP_URL: "smtp://relay.example.com",
        MCPEMAILS_SYSTEM_MAIL_FROM: "a@example.com, b@example.com",
      }),
    ).toThrow("MCPEMAILS_SYSTEM_MAIL_FROM must be one email address");
  });
});

describe("system mailer", () => {
  it("delivers a plain-text notice through an authenticating relay", async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const warnings: object[] = [];
    const settings = systemMailSettings({
      MCPEMAILS_SYSTEM_SMTP_URL: `smtp://notices:relay-pass@127.0.0.1:${sink.port}`,
      MCPEMAILS_SYSTEM_MAIL_FROM: "server@example.com",
    });
    expect(settings).toBeDefined();
    const mailer = createSystemMailer(settings!, { warn: (details) => warnings.push(details) });
    closers.push(() => mailer.close());
    const sent = await mailer.send({ to: ["owner@example.com"], subject: "A send waits", text: "<b>not html</b>" });
    expect(sent).toBe(true);
    expect(warnings).toEqual([]);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.user).toBe("notices");
    expect(sink.received[0]!.to).toEqual(["owner@example.com"]);
    expect(sink.received[0]!.raw).toMatch(/Content-Type: text\/plain/i);
    expect(sink.received[0]!.raw).not.toMatch(/text\/html/i);
  });

  it("answers false and logs without the relay's password when the relay refuses the login", async () => {
    const sink = await startSink();
    closers.push(sink.close);
    const logged: string[] = [];
    const mailer = createSystemMailer(
      { smtpUrl: `smtp://notices:wrong-pass-xyz@127.0.0.1:${sink.port}`, from: "server@example.com" },
      { warn: (details, message) => logged.push(JSON.stringify(details) + message) },
    );
    closers.push(() => mailer.close());
    const sent = await mailer.send({ to: ["owner@example.com"], subject: "s", text: "t" });
    expect(sent).toBe(false);
    expect(sink.received).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("EAUTH");
    expect(logged[0]).not.toContain("wrong-pass-xyz");
  });
});

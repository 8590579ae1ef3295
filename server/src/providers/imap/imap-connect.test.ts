// verifyImapSettings against the real Dovecot and SMTP relay of the rig, and an SMTP server that
// refuses every login.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import { startSmtpRelay, type SmtpRelay } from "../../../test/support/smtp-relay.js";
import { ConnectError } from "../provider-apps.js";
import { verifyImapSettings } from "./imap-connect.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
if (rig === undefined)
  console.warn(
    "imap-connect.test.ts skipped: no Dovecot rig (run `bash scripts/dovecot.sh start` and export its lines, or run through scripts/test.sh)",
  );

let relay: SmtpRelay;
let refusing: SMTPServer;
let refusingPort: number;
let user: RigUser;

async function refusal(settings: Parameters<typeof verifyImapSettings>[0]): Promise<ConnectError> {
  const error = await verifyImapSettings(settings, LOOPBACK_MAIL_NETWORK).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  expect((error as Error).message).not.toContain(settings.password);
  return error as ConnectError;
}

describeWithRig("verifyImapSettings", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    relay = await startSmtpRelay({ rig });
    user = await createRigUser(rig, "verify");
    refusing = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (_auth, _session, callback) =>
        callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 })),
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    refusingPort = (refusing.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await relay?.close();
    await new Promise<void>((resolve) => (refusing ? refusing.close(() => resolve()) : resolve()));
  });

  it("accepts settings both servers log in with", async () => {
    if (rig === undefined) return;
    await expect(
      verifyImapSettings(imapSettingsFor(rig, user, relay.port), LOOPBACK_MAIL_NETWORK),
    ).resolves.toBeUndefined();
  });

  it("says the IMAP server refused the login, and who was refused, when the password is wrong", async () => {
    if (rig === undefined) return;
    const error = await refusal({ ...imapSettingsFor(rig, user, relay.port), password: "wrong-pass-4321" });
    expect(error.message).toMatch(/^the IMAP server 127\.0\.0\.1:\d+ refused the login of verify-/);
    expect(error.message).toMatch(/AUTHENTICATIONFAILED|Authentication failed/i);
  });

  it("says the SMTP server refused the login when only SMTP refuses", async () => {
    if (rig === undefined) return;
    const error = await refusal(imapSettingsFor(rig, user, refusingPort));
    expect(error.message).toMatch(/^the SMTP server 127\.0\.0\.1:\d+ refused the login of verify-.*535/);
  });

  it("says which server could not be reached", async () => {
    if (rig === undefined) return;
    const imapDown = await refusal({
      ...imapSettingsFor(rig, user, relay.port),
      imap: { host: "127.0.0.1", port: 1, security: "plaintext" },
    });
    expect(imapDown.message).toMatch(/^the IMAP server 127\.0\.0\.1:1 could not be reached or failed: .*ECONNREFUSED/);
    const smtpDown = await refusal(imapSettingsFor(rig, user, 1));
    expect(smtpDown.message).toMatch(/^the SMTP server 127\.0\.0\.1:1 could not be reached or failed: .*ECONNREFUSED/);
  });
});

// Checks an IMAP/SMTP inbox's settings before they are saved: a login to each server. The error
// says which server refused and what it said, never the password.
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { ConnectError } from "../provider-apps.js";
import { isAuthFailure, redact, serverWords } from "./imap-errors.js";
import { imapClientOptions } from "./imap-pool.js";
import type { ImapSettings } from "./imap-settings.js";
import { smtpTransportOptions } from "./imap-smtp.js";

/** Logs in to the IMAP and the SMTP server with these settings; throws ConnectError saying what failed (never the password). */
export async function verifyImapSettings(settings: ImapSettings): Promise<void> {
  await verifyImap(settings);
  await verifySmtp(settings);
}

async function verifyImap(settings: ImapSettings): Promise<void> {
  const where = `the IMAP server ${settings.imap.host}:${settings.imap.port}`;
  const client = new ImapFlow({ ...imapClientOptions(settings), connectionTimeout: 15_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    if (isAuthFailure(error))
      throw new ConnectError(`${where} refused the login of ${settings.user}: ${serverWords(error, settings)}`);
    throw new ConnectError(`${where} could not be reached or failed: ${serverWords(error, settings)}`);
  } finally {
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  }
}

async function verifySmtp(settings: ImapSettings): Promise<void> {
  const where = `the SMTP server ${settings.smtp.host}:${settings.smtp.port}`;
  const transport = nodemailer.createTransport({ ...smtpTransportOptions(settings), connectionTimeout: 15_000 });
  try {
    await transport.verify();
  } catch (error) {
    const e = error as { code?: string; response?: string; message?: string };
    const words = redact(
      (e.response ?? e.message ?? "unknown error").replace(/\s+/gu, " ").trim(),
      settings.password,
    ).slice(0, 500);
    if (e.code === "EAUTH") throw new ConnectError(`${where} refused the login of ${settings.user}: ${words}`);
    throw new ConnectError(`${where} could not be reached or failed: ${words}`);
  } finally {
    transport.close();
  }
}

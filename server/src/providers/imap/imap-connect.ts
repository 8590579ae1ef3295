// Checks an IMAP/SMTP inbox's settings before they are saved: a login to each server. The error
// says which server refused and what it said, never the password.
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { ConnectError } from "../provider-apps.js";
import { isAuthFailure, quoteServerWords, serverWords } from "./imap-errors.js";
import { imapClientOptions } from "./imap-pool.js";
import type { ImapSettings } from "./imap-settings.js";
import { smtpTransportOptions } from "./imap-smtp.js";
import { dialTarget, type MailNetworkPolicy } from "./mail-network.js";

/** Logs in to the IMAP and the SMTP server with these settings; throws ConnectError saying what failed (never the password). */
export async function verifyImapSettings(settings: ImapSettings, network: MailNetworkPolicy): Promise<void> {
  await verifyImap(settings, network);
  await verifySmtp(settings, network);
}

async function verifyImap(settings: ImapSettings, network: MailNetworkPolicy): Promise<void> {
  const where = `the IMAP server ${settings.imap.host}:${settings.imap.port}`;
  const target = await dialTarget("IMAP", settings.imap, network);
  const client = new ImapFlow({ ...imapClientOptions(settings, target), connectionTimeout: 15_000 });
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

async function verifySmtp(settings: ImapSettings, network: MailNetworkPolicy): Promise<void> {
  const where = `the SMTP server ${settings.smtp.host}:${settings.smtp.port}`;
  const target = await dialTarget("SMTP", settings.smtp, network);
  const transport = nodemailer.createTransport({
    ...smtpTransportOptions(settings, target),
    connectionTimeout: 15_000,
  });
  try {
    await transport.verify();
  } catch (error) {
    const e = error as { code?: string; response?: string; message?: string };
    const words = quoteServerWords(e.response ?? e.message ?? "unknown error", settings.password);
    if (e.code === "EAUTH") throw new ConnectError(`${where} refused the login of ${settings.user}: ${words}`);
    throw new ConnectError(`${where} could not be reached or failed: ${words}`);
  } finally {
    transport.close();
  }
}

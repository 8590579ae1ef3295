// Checks an IMAP/SMTP inbox's settings before they are saved: a login to each server. The error
// says which server refused and what it said, never the password.
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { ProviderFailure } from "../core/provider-failure.js";
import { ConnectError } from "../provider-apps.js";
import { isAuthFailure, quoteServerWords, serverWords } from "./imap-errors.js";
import { imapClientOptions } from "./imap-pool.js";
import { imapCredentials, type ImapLogin } from "./imap-login.js";
import { createImapTokenSource, type ImapOAuthApps } from "./imap-oauth-tokens.js";
import type { ImapSettings } from "./imap-settings.js";
import { smtpTransportOptions } from "./imap-smtp.js";
import { dialTarget, type MailNetworkPolicy } from "./mail-network.js";

/**
 * Logs in to the IMAP and the SMTP server with these settings (with a token from `apps` when they
 * sign in with OAuth); throws ConnectError saying what failed (never the password or a token).
 */
export async function verifyImapSettings(
  settings: ImapSettings,
  network: MailNetworkPolicy,
  apps: ImapOAuthApps = {},
): Promise<void> {
  let login: ImapLogin;
  try {
    login = await imapCredentials(settings, tokenSourceFor(settings, apps)).login();
  } catch (error) {
    if (error instanceof ProviderFailure) throw new ConnectError(`the sign-in failed: ${error.detail}`);
    throw error;
  }
  await verifyImap(settings, network, login);
  await verifySmtp(settings, network, login);
}

/** The settings' token source when they sign in with OAuth; a token got while connecting needs no saving. */
function tokenSourceFor(settings: ImapSettings, apps: ImapOAuthApps) {
  if (settings.oauth === undefined) return undefined;
  try {
    return createImapTokenSource({ oauth: settings.oauth, apps, saveRefreshToken: async () => undefined });
  } catch (error) {
    if (error instanceof ProviderFailure) throw new ConnectError(error.detail);
    throw error;
  }
}

async function verifyImap(settings: ImapSettings, network: MailNetworkPolicy, login: ImapLogin): Promise<void> {
  const where = `the IMAP server ${settings.imap.host}:${settings.imap.port}`;
  const target = await dialTarget("IMAP", settings.imap, network);
  const client = new ImapFlow({ ...imapClientOptions(settings, target, login), connectionTimeout: 15_000 });
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

async function verifySmtp(settings: ImapSettings, network: MailNetworkPolicy, login: ImapLogin): Promise<void> {
  const where = `the SMTP server ${settings.smtp.host}:${settings.smtp.port}`;
  const target = await dialTarget("SMTP", settings.smtp, network);
  const transport = nodemailer.createTransport({
    ...smtpTransportOptions(settings, target, login),
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

// How an IMAP/SMTP inbox logs in: with its password, or (settings.oauth) with an OAuth access token
// over XOAUTH2, as Gmail's and Microsoft 365's servers take it. A refused token is renewed once
// before the login counts as refused: it may have been revoked, or expired early.
import type SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import type { ImapSettings } from "./imap-settings.js";
import { createImapTokenSource, type ImapOAuthApps, type ImapTokenSource } from "./imap-oauth-tokens.js";

export type ImapLogin = { user: string; pass: string } | { user: string; accessToken: string };

export interface ImapCredentials {
  /** The login to use; renewRefusedToken after the server refused the token in hand. */
  login(renewRefusedToken?: boolean): Promise<ImapLogin>;
  readonly usesToken: boolean;
}

export function imapCredentials(settings: ImapSettings, tokens: ImapTokenSource | undefined): ImapCredentials {
  if (settings.oauth === undefined || tokens === undefined)
    return { usesToken: false, login: async () => ({ user: settings.user, pass: settings.password }) };
  return {
    usesToken: true,
    login: async (renew = false) => ({ user: settings.user, accessToken: await tokens.accessToken(renew) }),
  };
}

/** The token source of settings that sign in with OAuth; a refresh token the service rotates is stored with them. */
export function imapTokenSource(options: {
  settings: ImapSettings;
  apps?: ImapOAuthApps | undefined;
  saveSettings?: ((secret: string) => Promise<void>) | undefined;
}): ImapTokenSource | undefined {
  const { settings, saveSettings } = options;
  const oauth = settings.oauth;
  if (oauth === undefined) return undefined;
  return createImapTokenSource({
    oauth,
    apps: options.apps ?? {},
    saveRefreshToken: async (refreshToken) =>
      saveSettings?.(JSON.stringify({ ...settings, oauth: { ...oauth, refreshToken } })),
  });
}

/** nodemailer's transport auth for a login (its XOAUTH2 when a token). */
export function smtpTransportAuth(login: ImapLogin) {
  return "accessToken" in login
    ? { type: "OAuth2" as const, user: login.user, accessToken: login.accessToken }
    : { user: login.user, pass: login.pass };
}

/**
 * A low-level SMTPConnection's login data: the password, or XOAUTH2 whose token nodemailer asks for,
 * and asks again (isRetry) once the server refused the first.
 */
export function smtpConnectionLogin(
  settings: ImapSettings,
  credentials: ImapCredentials,
): SMTPConnection.Credentials | SMTPConnection.AuthenticationOAuth2 {
  if (!credentials.usesToken) return { user: settings.user, pass: settings.password };
  return {
    user: settings.user,
    oauth2: {
      getToken(isRetry: boolean, callback: (error: Error | null, accessToken?: string) => void) {
        credentials.login(isRetry).then(
          (login) => callback(null, "accessToken" in login ? login.accessToken : undefined),
          (error: Error) => callback(error),
        );
      },
      buildXOAuth2Token(accessToken: string) {
        return Buffer.from(`user=${settings.user}\x01auth=Bearer ${accessToken}\x01\x01`, "utf8").toString("base64");
      },
    },
  } as unknown as SMTPConnection.AuthenticationOAuth2;
}

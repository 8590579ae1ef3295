// Connecting a Gmail or Microsoft 365 mailbox as an IMAP/SMTP inbox that signs in with OAuth 2.0
// (XOAUTH2) instead of a password: the consent URL for the IMAP and SMTP scopes (with OpenID's email,
// to learn the mailbox's address), then the callback's code exchanged for a refresh token. The ID
// token comes straight from the token endpoint over TLS, so its claims are read without checking its
// signature (OpenID Connect Core 1.0 §3.1.3.7, item 6).
//
// Written by hand, as imap-oauth-tokens.ts is, for both services alike: an authorization-code
// request with PKCE (RFC 6749 §4.1, RFC 7636) is a URL and one form POST.
import { ConnectError, type ConnectedMailbox } from "../provider-apps.js";
import type { ImapSettings, ServerEndpoint } from "./imap-settings.js";
import {
  IMAP_OAUTH_SCOPES,
  oauthErrorCode,
  oauthService,
  type ImapOAuthApps,
  type ImapOAuthService,
} from "./imap-oauth-tokens.js";

/** The services' IMAP and SMTP servers (Gmail: developers.google.com/workspace/gmail/imap/imap-smtp; Microsoft: learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4). */
export const IMAP_OAUTH_SERVERS: Record<ImapOAuthService, { imap: ServerEndpoint; smtp: ServerEndpoint }> = {
  google: {
    imap: { host: "imap.gmail.com", port: 993, security: "tls" },
    smtp: { host: "smtp.gmail.com", port: 465, security: "tls" },
  },
  microsoft: {
    imap: { host: "outlook.office365.com", port: 993, security: "tls" },
    smtp: { host: "smtp.office365.com", port: 587, security: "starttls" },
  },
};

const SIGN_IN_SCOPES = ["openid", "email"];

function endpoints(service: ImapOAuthService, apps: ImapOAuthApps) {
  const found = oauthService(service, apps);
  if (found === undefined)
    throw new ConnectError(`this server has no ${service === "google" ? "Google OAuth" : "Microsoft"} app configured`);
  // Google gives a refresh token for offline access, and again on every consent only when asked to.
  return { ...found, extra: service === "google" ? { access_type: "offline", prompt: "consent" } : {} };
}

/** The service's consent page for signing in to the mailbox's IMAP and SMTP servers. */
export function imapConsentUrl(
  service: ImapOAuthService,
  apps: ImapOAuthApps,
  state: string,
  codeChallenge: string,
): string {
  const { app, authorize, extra } = endpoints(service, apps);
  const url = new URL(authorize);
  for (const [name, value] of Object.entries({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: "code",
    scope: [...IMAP_OAUTH_SCOPES[service], ...SIGN_IN_SCOPES].join(" "),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: "S256",
    ...extra,
  }))
    url.searchParams.set(name, value);
  return url.toString();
}

/**
 * The callback's code exchanged for a refresh token, and the mailbox's address read from the ID
 * token: the settings of an IMAP/SMTP inbox on the service's servers (or `servers`, in tests).
 */
export async function exchangeImapCode(
  service: ImapOAuthService,
  apps: ImapOAuthApps,
  code: string,
  codeVerifier: string,
  servers = IMAP_OAUTH_SERVERS[service],
): Promise<ConnectedMailbox<ImapSettings>> {
  const { app, token, who } = endpoints(service, apps);
  let response: Response;
  try {
    response = await fetch(token, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: app.redirectUri,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        code_verifier: codeVerifier,
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new ConnectError(`${who}'s sign-in service did not answer; start the connection again.`);
  }
  const answer = (await response.json().catch(() => ({}))) as {
    refresh_token?: unknown;
    id_token?: unknown;
    error?: unknown;
  };
  if (!response.ok) {
    const name = oauthErrorCode(answer.error) ?? response.status;
    throw new ConnectError(`${who} refused the authorization code (${name}); start the connection again.`);
  }
  if (typeof answer.refresh_token !== "string" || answer.refresh_token === "")
    throw new ConnectError(
      `${who} gave no refresh token (offline access was not granted); start the connection again and allow access.`,
    );
  const address = emailOf(answer.id_token);
  if (address === undefined)
    throw new ConnectError(
      `${who} did not say which mailbox signed in; start the connection again and allow reading your email address.`,
    );
  return {
    address,
    settings: {
      ...servers,
      user: address,
      password: "",
      address,
      oauth: { service, refreshToken: answer.refresh_token },
    },
  };
}

/** The email claim of an ID token (Microsoft's may carry it as preferred_username only). */
function emailOf(idToken: unknown): string | undefined {
  if (typeof idToken !== "string") return undefined;
  const payload = idToken.split(".")[1];
  if (payload === undefined) return undefined;
  let claims: { email?: unknown; preferred_username?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
  } catch {
    return undefined;
  }
  const email = typeof claims.email === "string" ? claims.email : claims.preferred_username;
  return typeof email === "string" && /^[^\s@]{1,64}@[^\s@]{1,255}$/u.test(email) ? email : undefined;
}

// Access tokens for an IMAP/SMTP inbox that logs in with OAuth 2.0 (XOAUTH2) instead of a password,
// as Gmail's and Microsoft 365's IMAP and SMTP servers take them: the inbox stores a refresh token
// granted to this server's Google or Microsoft app, and each login uses an access token got from it
// (RFC 6749 §6), kept until shortly before it expires. A refresh token the service rotates
// (Microsoft does) is stored again through saveRefreshToken.
//
// Written here rather than through google-auth-library or MSAL: the refresh grant is one form POST,
// the same for both services, and MSAL keeps the rotated refresh token inside its own cache where the
// inbox's settings cannot store it.
import { ProviderFailure } from "../core/provider-failure.js";
import type { GoogleAppConfig, MicrosoftAppConfig } from "../provider-apps.js";

export type ImapOAuthService = "google" | "microsoft";

/** What an XOAUTH2 inbox stores beside its servers: whose app granted the refresh token, and the token. */
export interface ImapOAuth {
  service: ImapOAuthService;
  refreshToken: string;
}

/**
 * The scopes an IMAP/SMTP login needs: Google's full-mail scope (the only one its IMAP and SMTP
 * accept: developers.google.com/workspace/gmail/imap/xoauth2-protocol), Microsoft's IMAP and SMTP
 * delegated permissions (learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth).
 */
export const IMAP_OAUTH_SCOPES: Record<ImapOAuthService, readonly string[]> = {
  google: ["https://mail.google.com/"],
  microsoft: [
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
  ],
};

export interface ImapOAuthApps {
  google?: GoogleAppConfig | undefined;
  microsoft?: MicrosoftAppConfig | undefined;
}

export interface ImapTokenSource {
  /** A valid access token; forceRefresh after the server refused the one in hand. Throws ProviderFailure. */
  accessToken(forceRefresh?: boolean): Promise<string>;
}

/** A token is renewed this long before it expires, so that it never expires during a login. */
const EXPIRY_MARGIN_MS = 60_000;
const TOKEN_REQUEST_TIMEOUT_MS = 15_000;

export function createImapTokenSource(options: {
  oauth: ImapOAuth;
  apps: ImapOAuthApps;
  saveRefreshToken: (refreshToken: string) => Promise<void>;
  now?: () => number;
}): ImapTokenSource {
  const now = options.now ?? Date.now;
  const endpoint = oauthService(options.oauth.service, options.apps) ?? noApp(options.oauth.service);
  let refreshToken = options.oauth.refreshToken;
  let held: { token: string; expiresAtMs: number } | undefined;
  let refreshing: Promise<string> | undefined;

  async function refresh(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: endpoint.app.clientId,
      client_secret: endpoint.app.clientSecret,
      ...(options.oauth.service === "microsoft" ? { scope: IMAP_OAUTH_SCOPES.microsoft.join(" ") } : {}),
    });
    let response: Response;
    try {
      response = await fetch(endpoint.token, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
        signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
      });
    } catch {
      throw new ProviderFailure("unavailable", `no answer from ${endpoint.who}'s sign-in service`);
    }
    const answer = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      refresh_token?: unknown;
      error?: unknown;
    };
    if (!response.ok || typeof answer.access_token !== "string")
      throw refusal(endpoint.who, response.status, answer.error);
    const expiresInSeconds = typeof answer.expires_in === "number" ? answer.expires_in : 3600;
    held = { token: answer.access_token, expiresAtMs: now() + expiresInSeconds * 1000 - EXPIRY_MARGIN_MS };
    if (typeof answer.refresh_token === "string" && answer.refresh_token !== refreshToken) {
      refreshToken = answer.refresh_token;
      // A lost save costs nothing yet: the old refresh token stays good until the service retires it.
      await options.saveRefreshToken(refreshToken).catch(() => undefined);
    }
    return held.token;
  }

  return {
    async accessToken(forceRefresh = false) {
      if (!forceRefresh && held !== undefined && now() < held.expiresAtMs) return held.token;
      refreshing ??= refresh().finally(() => (refreshing = undefined));
      return refreshing;
    },
  };
}

/** Where a service signs a person in and gives tokens, and this server's app there; undefined without one. */
export function oauthService(service: ImapOAuthService, apps: ImapOAuthApps) {
  if (service === "google")
    return apps.google === undefined
      ? undefined
      : {
          app: apps.google,
          authorize: "https://accounts.google.com/o/oauth2/v2/auth",
          token: "https://oauth2.googleapis.com/token",
          who: "Google",
        };
  if (apps.microsoft === undefined) return undefined;
  const base = `https://login.microsoftonline.com/${encodeURIComponent(apps.microsoft.tenant)}/oauth2/v2.0`;
  return { app: apps.microsoft, authorize: `${base}/authorize`, token: `${base}/token`, who: "Microsoft" };
}

function noApp(service: ImapOAuthService): never {
  throw new ProviderFailure(
    "refused",
    `this server has no ${service === "google" ? "Google" : "Microsoft"} app configured for the inbox's sign-in`,
  );
}

/** The OAuth error code of a token endpoint's answer (RFC 6749 §5.2), when it has the shape of one. */
export function oauthErrorCode(error: unknown): string | undefined {
  return typeof error === "string" && /^[a-z_]{1,64}$/u.test(error) ? error : undefined;
}

/** The token endpoint's refusal: a grant it no longer honours is the owner's to renew; anything else is not. */
function refusal(who: string, status: number, error: unknown): ProviderFailure {
  const code = oauthErrorCode(error);
  if (code === "invalid_grant" || code === "interaction_required" || code === "consent_required")
    return new ProviderFailure(
      "auth",
      `${who} refused the inbox's stored sign-in (${code}): the owner must reconnect it`,
    );
  if (status >= 500 || status === 429)
    return new ProviderFailure("unavailable", `${who}'s sign-in service answered ${status}`);
  return new ProviderFailure(
    "refused",
    `${who}'s sign-in service refused this server's app (${code ?? `HTTP ${status}`}); the operator must check its client id and secret`,
  );
}

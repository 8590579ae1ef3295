// Access tokens of one Outlook mailbox through MSAL: the mailbox's serialized token cache is loaded
// into a ConfidentialClientApplication through a cache plugin, tokens come from acquireTokenSilent
// (which refreshes them with the cached refresh token when they expire), and a cache that MSAL
// changed is handed back to be stored again. A grant Microsoft no longer honours is a GrantRefused
// (auth: a person must reconnect); Microsoft's sign-in service unreachable or failing is a
// ProviderFailure too (unavailable), never an error of this server's.
import {
  AuthError,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  ServerError,
  type Configuration,
  type ICachePlugin,
} from "@azure/msal-node";
import { ProviderFailure } from "../core/provider-failure.js";
import type { MicrosoftAppConfig } from "../provider-apps.js";

/** What the provider asks for: read and move mail, send it, and read the signed-in user's address. */
export const GRAPH_SCOPES = ["Mail.ReadWrite", "Mail.Send", "User.Read"];

/** Microsoft refused the stored grant (revoked, expired, password changed): a person must reconnect. */
export class GrantRefused extends ProviderFailure {
  override readonly name = "GrantRefused";

  constructor(detail: string) {
    super("auth", detail);
  }
}

/** Error codes of Microsoft's token endpoint and MSAL that mean the grant itself is gone. */
const GRANT_GONE = new Set([
  "invalid_grant",
  "interaction_required",
  "consent_required",
  "login_required",
  "bad_token",
  "no_tokens_found",
  "no_account_in_silent_request",
  "refresh_token_expired",
]);

export function msalConfiguration(app: MicrosoftAppConfig, cachePlugin?: ICachePlugin): Configuration {
  return {
    auth: {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authority: `https://login.microsoftonline.com/${app.tenant}`,
    },
    ...(cachePlugin ? { cache: { cachePlugin } } : {}),
    // MSAL's own log could carry token material in verbose levels; errors only, and never PII.
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
  };
}

export interface MailboxTokens {
  /** A valid access token; forceRefresh after Graph refused the cached one. Throws GrantRefused. */
  accessToken(forceRefresh?: boolean): Promise<string>;
}

export function mailboxTokens(options: {
  app: MicrosoftAppConfig;
  tokenCache: string;
  homeAccountId: string;
  onCacheChanged: (tokenCache: string) => Promise<void>;
}): MailboxTokens {
  let cache = options.tokenCache;
  const plugin: ICachePlugin = {
    async beforeCacheAccess(context) {
      context.tokenCache.deserialize(cache);
    },
    async afterCacheAccess(context) {
      if (!context.cacheHasChanged) return;
      cache = context.tokenCache.serialize();
      await options.onCacheChanged(cache);
    },
  };
  const client = new ConfidentialClientApplication(msalConfiguration(options.app, plugin));
  return {
    async accessToken(forceRefresh = false) {
      try {
        const account = await client.getTokenCache().getAccountByHomeId(options.homeAccountId);
        if (account === null) throw new GrantRefused("the stored token cache holds no account for this mailbox");
        const result = await client.acquireTokenSilent({ account, scopes: GRAPH_SCOPES, forceRefresh });
        return result.accessToken;
      } catch (error) {
        throw identityFailure(error) ?? error;
      }
    },
  };
}

/** MSAL's codes for a token endpoint that did not answer, or answered what is not a token response. */
const NO_ANSWER = new Set(["network_error", "token_parsing_error"]);

/**
 * An error of MSAL's in the failure taxonomy: the grant gone (auth), Microsoft's sign-in service
 * unreachable or failing (unavailable) or refusing otherwise (refused); undefined for MSAL's own
 * client-side errors (a configuration or a bug of this server's). The detail names MSAL's error
 * code, never its message (which may quote the request).
 */
export function identityFailure(error: unknown): ProviderFailure | undefined {
  if (error instanceof ProviderFailure) return error;
  if (error instanceof InteractionRequiredAuthError)
    return new GrantRefused(`Microsoft requires the owner to sign in again (${error.errorCode})`);
  if (!(error instanceof AuthError)) return undefined;
  if (GRANT_GONE.has(error.errorCode)) return new GrantRefused(`Microsoft refused the grant (${error.errorCode})`);
  const status = error instanceof ServerError ? error.status : undefined;
  if (NO_ANSWER.has(error.errorCode) || (status !== undefined && status >= 500))
    return new ProviderFailure(
      "unavailable",
      `Microsoft's sign-in service did not give an access token (${error.errorCode}${status === undefined ? "" : `, ${status}`})`,
    );
  if (error instanceof ServerError)
    return new ProviderFailure("refused", `Microsoft's sign-in service refused an access token (${error.errorCode})`);
  return undefined;
}

// Connecting an Outlook mailbox: Microsoft's consent URL (authorization code flow) and, when the
// callback comes back with a code, its redemption through MSAL. What is kept is MSAL's serialized
// token cache (refresh token included) and the account's homeAccountId, plus the mailbox address
// and the ids of its well-known folders, read once from Graph with the new access token.
import { AuthError, ConfidentialClientApplication } from "@azure/msal-node";
import type { Folder } from "@mcpemails/generated";
import { ConnectError, type ConnectedMailbox, type MicrosoftAppConfig } from "../provider-apps.js";
import { createGraphClient } from "./graph-client.js";
import { GraphRequestError } from "./graph-request-error.js";
import { GRAPH_SCOPES, msalConfiguration } from "./msal-tokens.js";
import { WELL_KNOWN } from "./outlook-message.js";
import type { OutlookSettings } from "./outlook-settings.js";

/** Microsoft's consent URL (authorization code flow): Mail.ReadWrite, Mail.Send, User.Read, offline_access (MSAL adds it, with openid and profile), this state. */
export async function outlookConsentUrl(
  app: MicrosoftAppConfig,
  state: string,
  codeChallenge: string,
): Promise<string> {
  try {
    return await new ConfidentialClientApplication(msalConfiguration(app)).getAuthCodeUrl({
      scopes: GRAPH_SCOPES,
      redirectUri: app.redirectUri,
      state,
      codeChallenge,
      codeChallengeMethod: "S256",
      prompt: "select_account",
    });
  } catch (error) {
    throw refusal(error, "build the consent URL");
  }
}

/** Redeems the code of the callback through MSAL; the settings hold MSAL's token cache. ConnectError when Microsoft refuses. */
export async function exchangeOutlookCode(
  app: MicrosoftAppConfig,
  code: string,
  /** The PKCE verifier of the consent URL's challenge (none when the consent had no challenge). */
  codeVerifier?: string,
): Promise<ConnectedMailbox<OutlookSettings>> {
  const client = new ConfidentialClientApplication(msalConfiguration(app));
  let accessToken: string;
  let homeAccountId: string;
  try {
    const result = await client.acquireTokenByCode({
      code,
      scopes: GRAPH_SCOPES,
      redirectUri: app.redirectUri,
      ...(codeVerifier === undefined ? {} : { codeVerifier }),
    });
    if (result.account === null)
      throw new ConnectError("Microsoft answered without an account; connect the inbox again.");
    accessToken = result.accessToken;
    homeAccountId = result.account.homeAccountId;
  } catch (error) {
    throw refusal(error, "redeem the authorization code");
  }
  // The mailbox is not known before /me answers: the account's slots, under its home account id.
  const graph = createGraphClient({
    tokens: { accessToken: async () => accessToken },
    mailbox: `${app.clientId}\u0000${homeAccountId}`,
  });
  const signal = AbortSignal.timeout(30_000);
  try {
    const me = await graph.json<{ mail?: string | null; userPrincipalName?: string }>({
      method: "GET",
      path: "/me",
      query: { $select: "mail,userPrincipalName" },
      signal,
    });
    const address = me.mail ?? me.userPrincipalName;
    if (!address) throw new ConnectError("Microsoft Graph gave no mail address for this account; is it a mailbox?");
    const entries = await Promise.all(
      (Object.keys(WELL_KNOWN) as Folder[]).map(
        async (folder) =>
          [
            folder,
            (
              await graph.json<{ id: string }>({
                method: "GET",
                path: `/me/mailFolders/${WELL_KNOWN[folder]}`,
                query: { $select: "id" },
                signal,
              })
            ).id,
          ] as const,
      ),
    );
    const settings: OutlookSettings = {
      tokenCache: client.getTokenCache().serialize(),
      homeAccountId,
      address,
      folderIds: Object.fromEntries(entries) as Record<Folder, string>,
    };
    return { settings, address };
  } catch (error) {
    if (error instanceof GraphRequestError)
      throw new ConnectError(
        `Microsoft Graph refused to read the mailbox (${error.status} ${error.code}); was Mail.ReadWrite consented?`,
      );
    throw error;
  }
}

/** A ConnectError saying what Microsoft refused: its error code and AADSTS text, never a token or code. */
function refusal(error: unknown, doing: string): unknown {
  if (error instanceof ConnectError) return error;
  if (error instanceof AuthError) {
    // MSAL's message wraps Microsoft's description (AADSTS code and text) in timestamps and ids.
    const reason = /(AADSTS\d+:.*?)(?: - Correlation ID| Trace ID|$)/su.exec(error.errorMessage)?.[1]?.trim() ?? "";
    return new ConnectError(`Microsoft refused to ${doing} (${error.errorCode})${reason === "" ? "" : `: ${reason}`}`);
  }
  return error;
}

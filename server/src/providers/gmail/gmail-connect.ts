// Connecting a Gmail mailbox: Google's consent URL, then the code of the callback exchanged for an
// offline grant, and the mailbox's address read from its profile.
//
// Scope: gmail.modify alone. It reads messages, changes labels (mark_as_read removes UNREAD) and
// sends; gmail.readonly cannot change labels, gmail.send cannot read, and adding gmail.send to
// gmail.modify grants nothing more. Nothing narrower serves all five tools; https://mail.google.com/
// (which can also delete permanently) is wider.
import { auth, gmail } from "@googleapis/gmail";
import { ConnectError, type ConnectedMailbox, type GoogleAppConfig } from "../provider-apps.js";
import { googleFailure } from "./gmail-failure.js";
import type { GmailSettings } from "./gmail-settings.js";

export const GMAIL_SCOPES = ["https://www.googleapis.com/auth/gmail.modify"] as const;

function oauthClient(app: GoogleAppConfig) {
  return new auth.OAuth2({ clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: app.redirectUri });
}

type AuthUrlOptions = NonNullable<Parameters<ReturnType<typeof oauthClient>["generateAuthUrl"]>[0]>;
// google-auth-library's CodeChallengeMethod enum, whose value is the string RFC 7636 names.
const S256 = "S256" as NonNullable<AuthUrlOptions["code_challenge_method"]>;

/** Google's consent URL: offline access, the narrowest scopes that serve the five tools, this state, PKCE (S256). */
export function gmailConsentUrl(app: GoogleAppConfig, state: string, codeChallenge: string): string {
  return oauthClient(app).generateAuthUrl({
    code_challenge: codeChallenge,
    code_challenge_method: S256,
    access_type: "offline",
    // Without consent Google issues a refresh token only the first time a user agrees.
    prompt: "consent",
    scope: [...GMAIL_SCOPES],
    include_granted_scopes: false,
    state,
  });
}

/** Exchanges the code of the callback for a refresh token and reads the mailbox's address; ConnectError when Google refuses. */
export async function exchangeGmailCode(
  app: GoogleAppConfig,
  code: string,
  /** The PKCE verifier of the consent URL's challenge (none when the consent had no challenge). */
  codeVerifier?: string,
): Promise<ConnectedMailbox<GmailSettings>> {
  const client = oauthClient(app);
  let tokens;
  try {
    tokens = (await client.getToken({ code, ...(codeVerifier === undefined ? {} : { codeVerifier }) })).tokens;
  } catch (error) {
    throw new ConnectError(
      `Google refused the authorization code (${oauthErrorName(error)}); start the connection again.`,
    );
  }
  if (!tokens.refresh_token)
    throw new ConnectError(
      "Google gave no refresh token (offline access was not granted); start the connection again and allow access.",
    );
  const granted = (tokens.scope ?? "").split(" ");
  const missing = GMAIL_SCOPES.filter((scope) => !granted.includes(scope));
  if (tokens.scope !== undefined && tokens.scope !== null && missing.length > 0) {
    throw new ConnectError(
      `Google granted access without ${missing.join(", ")}; start the connection again and allow reading, labelling and sending mail.`,
    );
  }
  client.setCredentials(tokens);
  let address: string | null | undefined;
  try {
    address = (await gmail({ version: "v1", auth: client }).users.getProfile({ userId: "me" }, { retry: false })).data
      .emailAddress;
  } catch (error) {
    throw new ConnectError(
      `Gmail did not give the mailbox's address: ${googleFailure(error)?.message ?? "no answer from Gmail (the connection failed)"}.`,
    );
  }
  if (!address) throw new ConnectError("Gmail did not give the mailbox's address; start the connection again.");
  return { settings: { refreshToken: tokens.refresh_token, address }, address };
}

/** The OAuth error code of Google's answer (invalid_grant, invalid_client...), never its tokens. */
function oauthErrorName(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const name = typeof data === "object" && data !== null ? (data as { error?: unknown }).error : undefined;
  return typeof name === "string" ? name : "no answer from Google";
}

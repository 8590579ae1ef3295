// The grants of Google's OAuth server as the fake keeps them: registered clients, consent codes,
// refresh tokens (revocable) and access tokens that expire after an hour (expires_in 3599, as
// Google issues them) or when a test says so.
import { createHash, randomBytes } from "node:crypto";

export const GMAIL_SCOPE = {
  full: "https://mail.google.com/",
  modify: "https://www.googleapis.com/auth/gmail.modify",
  readonly: "https://www.googleapis.com/auth/gmail.readonly",
  metadata: "https://www.googleapis.com/auth/gmail.metadata",
  compose: "https://www.googleapis.com/auth/gmail.compose",
  send: "https://www.googleapis.com/auth/gmail.send",
  labels: "https://www.googleapis.com/auth/gmail.labels",
} as const;

export interface Grant {
  address: string;
  scopes: string[];
  clientId: string;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export class FakeOAuth {
  accessTokenLifetimeSeconds = 3599;
  private readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, { grant: Grant; redirectUri: string; codeChallenge?: string }>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();

  constructor(private readonly now: () => number) {}

  registerClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  isClient(clientId: string, clientSecret: string): boolean {
    return this.clients.get(clientId) === clientSecret;
  }

  /** What the consent screen gives when the user agrees: a one-time code for the callback (tied to the consent URL's PKCE challenge, when it had one). */
  consent(options: {
    clientId: string;
    address: string;
    scopes: readonly string[];
    redirectUri: string;
    codeChallenge?: string | null;
  }): string {
    const code = `4/${token()}`;
    this.codes.set(code, {
      grant: { address: options.address, scopes: [...options.scopes], clientId: options.clientId, revoked: false },
      redirectUri: options.redirectUri,
      ...(options.codeChallenge ? { codeChallenge: options.codeChallenge } : {}),
    });
    return code;
  }

  /** A refresh token for this mailbox, as a finished consent would have left (for seeding stored settings). */
  grant(options: { clientId: string; address: string; scopes: readonly string[] }): string {
    const refreshToken = `1//${token()}`;
    this.refreshTokens.set(refreshToken, {
      address: options.address,
      scopes: [...options.scopes],
      clientId: options.clientId,
      revoked: false,
    });
    return refreshToken;
  }

  /** The user removed the app's access (or the token aged out): the refresh token and its access tokens stop working. */
  revoke(refreshToken: string): void {
    const grant = this.refreshTokens.get(refreshToken);
    if (grant) grant.revoked = true;
  }

  /** Every access token issued so far expires now (as after an hour, or a clock skew). */
  expireAccessTokens(): void {
    for (const entry of this.accessTokens.values()) entry.expiresAt = 0;
  }

  /**
   * A code for its grant, once. A code whose consent had a PKCE challenge needs the verifier whose
   * S256 is that challenge (https://developers.google.com/identity/protocols/oauth2/native-app#exchange-authorization-code):
   * Google answers invalid_grant otherwise.
   */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string,
    codeVerifier?: string | null,
  ): { refreshToken: string; grant: Grant } | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (entry === undefined || entry.grant.clientId !== clientId || entry.redirectUri !== redirectUri) return undefined;
    if (entry.codeChallenge !== undefined && s256(codeVerifier ?? "") !== entry.codeChallenge) return undefined;
    const refreshToken = `1//${token()}`;
    this.refreshTokens.set(refreshToken, entry.grant);
    return { refreshToken, grant: entry.grant };
  }

  refreshGrant(refreshToken: string, clientId: string): Grant | undefined {
    const grant = this.refreshTokens.get(refreshToken);
    return grant === undefined || grant.revoked || grant.clientId !== clientId ? undefined : grant;
  }

  issueAccessToken(grant: Grant): { accessToken: string; expiresIn: number } {
    const accessToken = `ya29.${token()}`;
    this.accessTokens.set(accessToken, { grant, expiresAt: this.now() + this.accessTokenLifetimeSeconds * 1000 });
    return { accessToken, expiresIn: this.accessTokenLifetimeSeconds };
  }

  /** The grant behind an Authorization header, or undefined for a missing, unknown, expired or revoked token. */
  authenticate(authorization: string | null): Grant | undefined {
    const bearer = /^Bearer (\S+)$/u.exec(authorization ?? "");
    const entry = bearer === null ? undefined : this.accessTokens.get(bearer[1] ?? "");
    if (entry === undefined || entry.expiresAt <= this.now() || entry.grant.revoked) return undefined;
    return entry.grant;
  }
}

function token(): string {
  return randomBytes(24).toString("base64url");
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

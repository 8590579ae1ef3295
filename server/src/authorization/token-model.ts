// The model @node-oauth/oauth2-server runs /token's grants through, over our Store. The library
// does the protocol: the request's form, the client, PKCE S256 (plain refused), the code's expiry and
// single use, the redirect_uri's match, rotation and narrowing of scopes on refresh, the response and
// its errors. This model adds what it leaves to us: codes and tokens kept by their sha256 only, the
// grant a code's exchange creates, and replay detection: a code or a refresh token presented after
// it was used revokes the grant it belongs to (every token of that family) and is refused.
import type OAuth2Server from "@node-oauth/oauth2-server";
import type { Scope } from "@mcpemails/generated";
import type { AuthorizationCodeRecord, OAuthGrantRecord, Store } from "../store/store.js";
import {
  ACCESS_TOKEN_PREFIX,
  generateSecret,
  hashSecret,
  REFRESH_TOKEN_PREFIX,
  REFRESH_TOKEN_LIFETIME_S,
} from "./oauth-secrets.js";

/** Whose tokens the library is issuing: a code being exchanged, or a grant being refreshed. */
type TokenOwner = { code: AuthorizationCodeRecord } | { grant: OAuthGrantRecord };

const GRANT_TYPES = ["authorization_code", "refresh_token"];

export function createTokenModel(store: Store, now: () => Date) {
  const revokeReplayed = async (grantId: string) => {
    await store.revokeOAuthGrant(grantId, now().toISOString());
  };

  const model = {
    async getClient(clientId: string) {
      const client = await store.getOAuthClient(clientId);
      return client && { id: client.id, redirectUris: client.redirectUris, grants: GRANT_TYPES };
    },

    async generateAccessToken() {
      return generateSecret(ACCESS_TOKEN_PREFIX);
    },

    async generateRefreshToken() {
      return generateSecret(REFRESH_TOKEN_PREFIX);
    },

    async getAuthorizationCode(code: string): Promise<OAuth2Server.AuthorizationCode | undefined> {
      const record = await store.findAuthorizationCode(hashSecret(code));
      if (record === undefined) return undefined;
      if (record.usedAt !== null) {
        await revokeReplayed(record.grantId);
        return undefined;
      }
      const owner: TokenOwner = { code: record };
      return {
        authorizationCode: code,
        expiresAt: new Date(record.expiresAtMs),
        redirectUri: record.redirectUri,
        scope: record.scopes,
        client: { id: record.clientId, grants: GRANT_TYPES },
        user: owner,
        codeChallenge: record.codeChallenge,
        codeChallengeMethod: "S256",
      };
    },

    /** Uses the code: false (refused by the library) for all but the one exchange that got it first. */
    async revokeAuthorizationCode(code: OAuth2Server.AuthorizationCode): Promise<boolean> {
      const used = await store.useAuthorizationCode(hashSecret(code.authorizationCode), now().toISOString());
      if (!used) await revokeReplayed((code.user as { code: AuthorizationCodeRecord }).code.grantId);
      return used;
    },

    async getRefreshToken(token: string): Promise<OAuth2Server.RefreshToken | undefined> {
      const record = await store.findRefreshToken(hashSecret(token), now().getTime());
      if (record === undefined) return undefined;
      if (record.rotatedAt !== null) {
        await revokeReplayed(record.grantId);
        return undefined;
      }
      const grant = await store.getOAuthGrant(record.grantId);
      if (grant === undefined || grant.revokedAt !== null) return undefined;
      const owner: TokenOwner = { grant };
      return {
        refreshToken: token,
        refreshTokenExpiresAt: new Date(record.expiresAtMs),
        scope: record.scopes,
        client: { id: record.clientId, grants: GRANT_TYPES },
        user: owner,
      };
    },

    /** Rotation: the token is used once; a second, concurrent use is a replay like any other. */
    async revokeToken(token: OAuth2Server.RefreshToken): Promise<boolean> {
      const rotated = await store.rotateRefreshToken(hashSecret(token.refreshToken), now().toISOString());
      if (!rotated) await revokeReplayed((token.user as { grant: OAuthGrantRecord }).grant.id);
      return rotated;
    },

    async saveToken(token: OAuth2Server.Token, client: OAuth2Server.Client, user: OAuth2Server.User) {
      const owner = user as TokenOwner;
      const grant =
        "code" in owner
          ? await store.createOAuthGrant({
              id: owner.code.grantId,
              userId: owner.code.userId,
              workspaceId: owner.code.workspaceId,
              clientId: owner.code.clientId,
              mode: owner.code.mode,
              inboxIds: owner.code.inboxIds,
              scopes: owner.code.scopes,
              resource: owner.code.resource,
            })
          : owner.grant;
      const scopes = (token.scope ?? grant.scopes) as Scope[];
      const createdAt = now().toISOString();
      const accessTokenExpiresAt = token.accessTokenExpiresAt ?? new Date(now().getTime() + 3_600_000);
      await store.createAccessToken({
        id: hashSecret(token.accessToken),
        grantId: grant.id,
        clientId: client.id,
        scopes,
        resource: grant.resource,
        createdAt,
        expiresAtMs: accessTokenExpiresAt.getTime(),
      });
      if (token.refreshToken !== undefined)
        await store.createRefreshToken({
          id: hashSecret(token.refreshToken),
          grantId: grant.id,
          clientId: client.id,
          scopes,
          createdAt,
          expiresAtMs: (
            token.refreshTokenExpiresAt ?? new Date(now().getTime() + REFRESH_TOKEN_LIFETIME_S * 1000)
          ).getTime(),
        });
      return { ...token, accessTokenExpiresAt, scope: scopes, client, user };
    },

    /** What the library's authenticate() would call; /mcp reads tokens itself (auth/authenticate.ts). */
    async getAccessToken(token: string): Promise<OAuth2Server.Token | undefined> {
      const record = await store.findAccessToken(hashSecret(token), now().getTime());
      return (
        record && {
          accessToken: token,
          accessTokenExpiresAt: new Date(record.expiresAtMs),
          scope: record.scopes,
          client: { id: record.clientId, grants: GRANT_TYPES },
          user: { grantId: record.grantId },
        }
      );
    },
  };
  return model;
}

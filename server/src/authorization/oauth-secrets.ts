// The random strings of the authorization server (codes, access and refresh tokens) and how they are
// kept: 32 random bytes, base64url, behind a prefix that says what each is; the store keeps only
// their sha256, as it does for API keys (random and long, so a slow hash would add nothing).
import { createHash, randomBytes } from "node:crypto";

export const ACCESS_TOKEN_PREFIX = "mcpe_at_";
export const REFRESH_TOKEN_PREFIX = "mcpe_rt_";
export const AUTHORIZATION_CODE_PREFIX = "mcpe_ac_";

export const ACCESS_TOKEN_LIFETIME_S = 60 * 60;
export const REFRESH_TOKEN_LIFETIME_S = 30 * 24 * 60 * 60;
export const AUTHORIZATION_CODE_LIFETIME_MS = 2 * 60 * 1000;

export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function looksLikeAccessToken(token: string): boolean {
  return token.startsWith(ACCESS_TOKEN_PREFIX);
}

/** RFC 7636: 43 to 128 characters of [A-Za-z0-9-._~]; an S256 challenge is 43 base64url characters. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/u;

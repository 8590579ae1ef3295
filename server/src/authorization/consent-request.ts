// The authorization request, checked by /authorize, carried to the consent page in the dashboard and
// back in its form: signed (HMAC-SHA256 under a key derived from the dashboard's secret) and
// short-lived, so that the consent page needs no stored state and nobody can alter what was asked.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { Scope } from "@mcpemails/generated";

export interface ConsentRequest {
  clientId: string;
  redirectUri: string;
  state: string | null;
  /** The scopes the client asked for (all of this server's when it named none): the consent page offers these. */
  scopes: Scope[];
  codeChallenge: string;
  resource: string;
  issuer: string;
  expiresAtMs: number;
}

/** Time enough to sign in (or sign up) and decide. */
export const CONSENT_REQUEST_LIFETIME_MS = 30 * 60 * 1000;

const signingKey = (secretKey: Buffer) =>
  Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "mcpemails oauth consent request v1", 32));

const mac = (secretKey: Buffer, payload: string) =>
  createHmac("sha256", signingKey(secretKey)).update(payload).digest();

export function sealConsentRequest(secretKey: Buffer, request: ConsentRequest): string {
  const payload = Buffer.from(JSON.stringify(request)).toString("base64url");
  return `${payload}.${mac(secretKey, payload).toString("base64url")}`;
}

/** The request when the seal is this server's and it has not expired; else undefined. */
export function openConsentRequest(secretKey: Buffer, sealed: unknown, nowMs: number): ConsentRequest | undefined {
  if (typeof sealed !== "string") return undefined;
  const [payload, signature, extra] = sealed.split(".");
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = mac(secretKey, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const request = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ConsentRequest;
  return request.expiresAtMs > nowMs ? request : undefined;
}

// The OAuth `state` of a connect flow: which workspace and which kind of mailbox the consent is for,
// signed (HMAC-SHA256) and short-lived, so the callback trusts nothing a browser could have altered
// and any instance sharing the secret key can finish the flow. Its nonce also derives, with the
// same key, the PKCE verifier (RFC 7636, S256; it never leaves the server) and the value of the
// cookie that binds the flow to the browser that opened its link.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export type OAuthKind = "gmail" | "outlook";

export interface OAuthStateClaims {
  workspaceId: string;
  kind: OAuthKind;
  /** The flow began in the dashboard: the callback sends the browser back there. */
  fromDashboard?: boolean;
  /** The mailbox is connected as an IMAP/SMTP inbox signing in with this consent (XOAUTH2), not through the API. */
  via?: "imap";
}

export interface VerifiedState extends OAuthStateClaims {
  /** Unique to this state: what its one use, its PKCE verifier and its browser binding are keyed by. */
  nonce: string;
  expiresAtMs: number;
}

export interface OAuthStateSigner {
  sign(claims: OAuthStateClaims): string;
  /** The claims, or a sentence saying why the state is not acceptable. */
  verify(state: string, kind: OAuthKind): { ok: true; claims: VerifiedState } | { ok: false; reason: string };
  /** The PKCE pair of a state: the challenge goes to the consent page, the verifier to the token exchange. */
  pkce(nonce: string): { verifier: string; challenge: string };
  /** The cookie value that marks the browser which opened the state's link. */
  browserBinding(nonce: string): string;
}

export const OAUTH_STATE_TTL_MS = 15 * 60 * 1000;

/** A signer keyed from the server's secret key (never the key itself: a separate key derived for this use). */
export function createOAuthStateSigner(secretKey: Buffer, now: () => Date = () => new Date()): OAuthStateSigner {
  const key = Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "mcpemails oauth state v1", 32));
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest();
  return {
    sign(claims) {
      const payload = Buffer.from(
        JSON.stringify({
          w: claims.workspaceId,
          k: claims.kind,
          e: now().getTime() + OAUTH_STATE_TTL_MS,
          n: randomBytes(12).toString("base64url"),
          ...(claims.fromDashboard === true ? { d: 1 } : {}),
          ...(claims.via === "imap" ? { v: "imap" } : {}),
        }),
      ).toString("base64url");
      return `${payload}.${mac(payload).toString("base64url")}`;
    },
    verify(state, kind) {
      const [payload, signature, ...rest] = state.split(".");
      if (payload === undefined || signature === undefined || rest.length > 0)
        return { ok: false, reason: "the state parameter is malformed" };
      const given = Buffer.from(signature, "base64url");
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: "the state parameter was not issued by this server" };
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
        w: string;
        k: string;
        e: number;
        n: string;
        d?: number;
        v?: string;
      };
      if (claims.k !== kind)
        return { ok: false, reason: `the state parameter is for a ${claims.k} connection, not ${kind}` };
      if (claims.e < now().getTime())
        return { ok: false, reason: "the consent link has expired; start the connection again" };
      return {
        ok: true,
        claims: {
          workspaceId: claims.w,
          kind,
          nonce: claims.n,
          expiresAtMs: claims.e,
          fromDashboard: claims.d === 1,
          ...(claims.v === "imap" ? { via: "imap" as const } : {}),
        },
      };
    },
    pkce(nonce) {
      // 32 bytes, base64url: 43 characters, within RFC 7636's 43 to 128.
      const verifier = createHmac("sha256", key).update(`pkce:${nonce}`).digest("base64url");
      return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
    },
    browserBinding(nonce) {
      return createHmac("sha256", key).update(`browser:${nonce}`).digest("base64url");
    },
  };
}

// The OAuth `state` of a connect flow: which workspace and which kind of mailbox the consent is for,
// signed (HMAC-SHA256) and short-lived, so the callback trusts nothing a browser could have altered
// and needs no server-side session: any instance sharing the secret key can finish the flow.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export type OAuthKind = "gmail" | "outlook";

export interface OAuthStateClaims {
  workspaceId: string;
  kind: OAuthKind;
}

export interface OAuthStateSigner {
  sign(claims: OAuthStateClaims): string;
  /** The claims, or a sentence saying why the state is not acceptable. */
  verify(state: string, kind: OAuthKind): { ok: true; claims: OAuthStateClaims } | { ok: false; reason: string };
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
      };
      if (claims.k !== kind)
        return { ok: false, reason: `the state parameter is for a ${claims.k} connection, not ${kind}` };
      if (claims.e < now().getTime())
        return { ok: false, reason: "the consent link has expired; start the connection again" };
      return { ok: true, claims: { workspaceId: claims.w, kind } };
    },
  };
}

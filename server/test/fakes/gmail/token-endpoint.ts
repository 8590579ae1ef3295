// Google's OAuth token endpoint (https://oauth2.googleapis.com/token) as the fake answers it:
// grant_type authorization_code (the connect flow's callback) and refresh_token (every hour),
// with Google's error bodies: invalid_client for a wrong client, invalid_grant for a code or
// refresh token that is unknown, used, revoked or of another client.
import { http, HttpResponse } from "msw";
import type { FakeOAuth } from "./fake-oauth.js";

export const TOKEN_URL = "https://oauth2.googleapis.com/token";

export interface TokenEndpointHooks {
  count(): void;
}

export function tokenEndpointHandler(oauth: FakeOAuth, hooks: TokenEndpointHooks) {
  return http.post(TOKEN_URL, async ({ request }) => {
    hooks.count();
    const form = new URLSearchParams(await request.text());
    const [clientId, clientSecret] = clientCredentials(request.headers.get("authorization"), form);
    if (!oauth.isClient(clientId, clientSecret))
      return oauthError(401, "invalid_client", "The OAuth client was not found.");
    switch (form.get("grant_type")) {
      case "authorization_code": {
        const redeemed = oauth.redeemCode(
          form.get("code") ?? "",
          clientId,
          form.get("redirect_uri") ?? "",
          form.get("code_verifier"),
        );
        if (redeemed === undefined) return oauthError(400, "invalid_grant", "Malformed auth code.");
        const issued = oauth.issueAccessToken(redeemed.grant);
        return HttpResponse.json({
          access_token: issued.accessToken,
          expires_in: issued.expiresIn,
          refresh_token: redeemed.refreshToken,
          scope: redeemed.grant.scopes.join(" "),
          token_type: "Bearer",
        });
      }
      case "refresh_token": {
        const grant = oauth.refreshGrant(form.get("refresh_token") ?? "", clientId);
        if (grant === undefined) return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
        const issued = oauth.issueAccessToken(grant);
        return HttpResponse.json({
          access_token: issued.accessToken,
          expires_in: issued.expiresIn,
          scope: grant.scopes.join(" "),
          token_type: "Bearer",
        });
      }
      default:
        return oauthError(400, "unsupported_grant_type", "Invalid grant_type.");
    }
  });
}

/** client_secret_post (the form) or client_secret_basic (the Authorization header), as Google accepts both. */
function clientCredentials(authorization: string | null, form: URLSearchParams): [string, string] {
  const basic = /^Basic (\S+)$/u.exec(authorization ?? "");
  if (basic !== null) {
    const [id = "", secret = ""] = Buffer.from(basic[1] ?? "", "base64")
      .toString("utf8")
      .split(":");
    return [decodeURIComponent(id), decodeURIComponent(secret)];
  }
  return [form.get("client_id") ?? "", form.get("client_secret") ?? ""];
}

function oauthError(status: number, error: string, description: string) {
  return HttpResponse.json({ error, error_description: description }, { status });
}

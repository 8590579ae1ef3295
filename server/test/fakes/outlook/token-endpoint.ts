// Microsoft's identity platform as MSAL meets it, served by msw: the v2.0 token endpoint
// (authorization_code and refresh_token grants, with client_info so that MSAL can name the account),
// errors being the AADSTS ones Microsoft sends. MSAL 7 carries the metadata of login.microsoftonline.com
// itself and makes no discovery request (the fake counts none); any other request to the host is
// answered 400 at once rather than leaving for the real network.
import { randomBytes } from "node:crypto";
import { http, HttpResponse, type RequestHandler } from "msw";
import type { GraphFake } from "./graph-fake.js";

export const LOGIN_HOST = "https://login.microsoftonline.com";

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function aadError(status: number, error: string, description: string) {
  return HttpResponse.json(
    {
      error,
      error_description: description,
      error_codes: [Number(/AADSTS(\d+)/u.exec(description)?.[1] ?? 0)],
      timestamp: new Date().toISOString(),
    },
    { status },
  );
}

export function tokenEndpointHandlers(fake: GraphFake): RequestHandler[] {
  return [
    http.post(`${LOGIN_HOST}/:tenant/oauth2/v2.0/token`, async ({ request }) => {
      fake.countRequest("POST login/token");
      const form = new URLSearchParams(await request.text());
      const app = fake.app;
      if (form.get("client_id") !== app.clientId)
        return aadError(
          400,
          "unauthorized_client",
          `AADSTS700016: Application with identifier '${form.get("client_id") ?? ""}' was not found in the directory.`,
        );
      if (form.get("client_secret") !== app.clientSecret)
        return aadError(
          401,
          "invalid_client",
          "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
      const grantType = form.get("grant_type");
      let address: string | undefined;
      if (grantType === "authorization_code") {
        if (form.get("redirect_uri") !== app.redirectUri)
          return aadError(
            400,
            "invalid_grant",
            "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.",
          );
        const redeemed = fake.redeemAuthorizationCode(form.get("code") ?? "", form.get("code_verifier"));
        if (redeemed === "pkce")
          return aadError(
            400,
            "invalid_grant",
            "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.",
          );
        address = redeemed;
        if (address === undefined)
          return aadError(
            400,
            "invalid_grant",
            "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
          );
      } else if (grantType === "refresh_token") {
        const grant = fake.refreshGrant(form.get("refresh_token") ?? "");
        if (grant === undefined)
          return aadError(400, "invalid_grant", "AADSTS9002313: Invalid request. Request is malformed or invalid.");
        if (grant.revoked)
          return aadError(
            400,
            "invalid_grant",
            "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
          );
        address = grant.address;
      } else {
        return aadError(
          400,
          "unsupported_grant_type",
          `AADSTS70003: The app requested an unsupported grant type '${grantType ?? ""}'.`,
        );
      }
      const mailbox = fake.mailbox(address);
      const scope = (form.get("scope") ?? "")
        .split(" ")
        .filter((s) => s !== "" && !["openid", "profile", "offline_access", "email"].includes(s))
        .join(" ");
      const now = Math.floor(Date.now() / 1000);
      const idToken = [
        base64url({ typ: "JWT", alg: "RS256", kid: "fake" }),
        base64url({
          aud: app.clientId,
          iss: `${LOGIN_HOST}/${fake.tenantId}/v2.0`,
          iat: now,
          nbf: now,
          exp: now + 3600,
          name: mailbox.displayName,
          oid: mailbox.userId,
          preferred_username: mailbox.address,
          sub: randomBytes(16).toString("base64url"),
          tid: fake.tenantId,
          ver: "2.0",
        }),
        randomBytes(32).toString("base64url"),
      ].join(".");
      const lifetime = fake.accessTokenLifetimeSeconds;
      return HttpResponse.json({
        token_type: "Bearer",
        scope,
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: fake.issueAccessToken(address, lifetime),
        refresh_token: fake.issueRefreshToken(address),
        id_token: idToken,
        client_info: base64url({ uid: mailbox.userId, utid: fake.tenantId }),
      });
    }),
    http.all(`${LOGIN_HOST}/*`, ({ request }) => {
      fake.countRequest(`${request.method} login/unserved`);
      return aadError(
        400,
        "invalid_request",
        `AADSTS900561: the Graph fake does not serve ${request.method} ${new URL(request.url).pathname}.`,
      );
    }),
  ];
}

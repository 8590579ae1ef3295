// The consent URL and the code exchange of an IMAP/SMTP inbox signing in with OAuth, against token
// endpoints played by msw.
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectError } from "../provider-apps.js";
import { exchangeImapCode, IMAP_OAUTH_SERVERS, imapConsentUrl } from "./imap-oauth-connect.js";

const GOOGLE = {
  clientId: "g-client",
  clientSecret: "g-secret",
  redirectUri: "https://mail.example/oauth/google/callback",
};
const MICROSOFT = {
  clientId: "m-client",
  clientSecret: "m-secret",
  tenant: "organizations",
  redirectUri: "https://mail.example/oauth/microsoft/callback",
};
const apps = { google: GOOGLE, microsoft: MICROSOFT };

const idToken = (claims: object) =>
  ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "signature"].join(".");

const forms: URLSearchParams[] = [];
const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  msw.resetHandlers();
  forms.length = 0;
});
afterAll(() => msw.close());

function tokenEndpoint(url: string, answer: () => Response) {
  msw.use(
    http.post(url, async ({ request }) => {
      forms.push(new URLSearchParams(await request.text()));
      return answer();
    }),
  );
}

describe("the IMAP sign-in's consent page", () => {
  it("asks Google for its full-mail scope and the email address, offline, with PKCE and the state", () => {
    const url = new URL(imapConsentUrl("google", apps, "the-state", "the-challenge"));
    expect(`${url.origin}${url.pathname}`).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: "g-client",
      redirect_uri: GOOGLE.redirectUri,
      response_type: "code",
      scope: "https://mail.google.com/ openid email",
      state: "the-state",
      code_challenge: "the-challenge",
      code_challenge_method: "S256",
      access_type: "offline",
      prompt: "consent",
    });
  });

  it("asks Microsoft's tenant for the IMAP and SMTP permissions and offline access", () => {
    const url = new URL(imapConsentUrl("microsoft", apps, "s", "c"));
    expect(`${url.origin}${url.pathname}`).toBe(
      "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
    );
    expect(url.searchParams.get("scope")).toBe(
      "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid email",
    );
  });
});

describe("the IMAP sign-in's code exchange", () => {
  it("redeems the code with the verifier and gives an inbox on the service's servers, signing in with the refresh token", async () => {
    tokenEndpoint("https://oauth2.googleapis.com/token", () =>
      HttpResponse.json({
        access_token: "a",
        refresh_token: "1//refresh",
        id_token: idToken({ email: "zoe@gmail.com" }),
      }),
    );
    const connected = await exchangeImapCode("google", apps, "the-code", "the-verifier");
    expect(Object.fromEntries(forms[0] ?? [])).toEqual({
      grant_type: "authorization_code",
      code: "the-code",
      redirect_uri: GOOGLE.redirectUri,
      client_id: "g-client",
      client_secret: "g-secret",
      code_verifier: "the-verifier",
    });
    expect(connected).toEqual({
      address: "zoe@gmail.com",
      settings: {
        ...IMAP_OAUTH_SERVERS.google,
        user: "zoe@gmail.com",
        password: "",
        address: "zoe@gmail.com",
        oauth: { service: "google", refreshToken: "1//refresh" },
      },
    });
  });

  it("reads Microsoft's address from preferred_username when the ID token has no email", async () => {
    tokenEndpoint("https://login.microsoftonline.com/organizations/oauth2/v2.0/token", () =>
      HttpResponse.json({ refresh_token: "m-refresh", id_token: idToken({ preferred_username: "zoe@contoso.com" }) }),
    );
    const connected = await exchangeImapCode("microsoft", apps, "c", "v");
    expect(connected.address).toBe("zoe@contoso.com");
    expect(connected.settings.smtp).toEqual({ host: "smtp.office365.com", port: 587, security: "starttls" });
  });

  it("refuses a code the service refused, a grant without a refresh token, or one that does not name the mailbox", async () => {
    tokenEndpoint("https://oauth2.googleapis.com/token", () =>
      HttpResponse.json({ error: "invalid_grant" }, { status: 400 }),
    );
    await expect(exchangeImapCode("google", apps, "c", "v")).rejects.toThrow(
      new ConnectError("Google refused the authorization code (invalid_grant); start the connection again."),
    );
    tokenEndpoint("https://oauth2.googleapis.com/token", () =>
      HttpResponse.json({ access_token: "a", id_token: idToken({ email: "zoe@gmail.com" }) }),
    );
    await expect(exchangeImapCode("google", apps, "c", "v")).rejects.toThrow(/gave no refresh token/);
    tokenEndpoint("https://oauth2.googleapis.com/token", () =>
      HttpResponse.json({ refresh_token: "r", id_token: idToken({ sub: "123" }) }),
    );
    await expect(exchangeImapCode("google", apps, "c", "v")).rejects.toThrow(/did not say which mailbox/);
  });
});

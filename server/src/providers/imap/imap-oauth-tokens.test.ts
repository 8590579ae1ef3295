// How an XOAUTH2 inbox gets its access tokens: Google's and Microsoft's token endpoints played by msw.
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProviderFailure } from "../core/provider-failure.js";
import { createImapTokenSource, IMAP_OAUTH_SCOPES } from "./imap-oauth-tokens.js";

const GOOGLE = {
  clientId: "g-client",
  clientSecret: "g-secret",
  redirectUri: "http://127.0.0.1/oauth/google/callback",
};
const MICROSOFT = {
  clientId: "m-client",
  clientSecret: "m-secret",
  tenant: "common",
  redirectUri: "http://127.0.0.1/oauth/microsoft/callback",
};
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/common/oauth2/v2.0/token";

const requests: URLSearchParams[] = [];
const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  msw.resetHandlers();
  requests.length = 0;
});
afterAll(() => msw.close());

/** A token endpoint that records each form it gets and answers with `answer(form)`. */
function tokenEndpoint(url: string, answer: (form: URLSearchParams) => Response) {
  msw.use(
    http.post(url, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      requests.push(form);
      return answer(form);
    }),
  );
}

const issued = (n: number, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ access_token: `access-${n}`, expires_in: 3600, token_type: "Bearer", ...extra });

describe("an XOAUTH2 inbox's access tokens", () => {
  it("come from the refresh token with this server's Google app, and are reused until shortly before they expire", async () => {
    tokenEndpoint(GOOGLE_TOKEN_URL, () => issued(requests.length));
    let now = 1_000_000;
    const tokens = createImapTokenSource({
      oauth: { service: "google", refreshToken: "refresh-1" },
      apps: { google: GOOGLE },
      saveRefreshToken: async () => undefined,
      now: () => now,
    });
    expect(await tokens.accessToken()).toBe("access-1");
    expect(Object.fromEntries(requests[0] ?? [])).toEqual({
      grant_type: "refresh_token",
      refresh_token: "refresh-1",
      client_id: "g-client",
      client_secret: "g-secret",
    });
    now += 3_500_000;
    expect(await tokens.accessToken()).toBe("access-1");
    now += 100_000;
    expect(await tokens.accessToken()).toBe("access-2");
    expect(await tokens.accessToken(true)).toBe("access-3");
  });

  it("ask once for callers that ask at the same time", async () => {
    tokenEndpoint(GOOGLE_TOKEN_URL, () => issued(requests.length));
    const tokens = createImapTokenSource({
      oauth: { service: "google", refreshToken: "r" },
      apps: { google: GOOGLE },
      saveRefreshToken: async () => undefined,
    });
    expect(await Promise.all([tokens.accessToken(), tokens.accessToken(), tokens.accessToken()])).toEqual([
      "access-1",
      "access-1",
      "access-1",
    ]);
    expect(requests).toHaveLength(1);
  });

  it("ask Microsoft for the IMAP and SMTP scopes, and store a refresh token it rotates, using it next time", async () => {
    tokenEndpoint(MICROSOFT_TOKEN_URL, (form) =>
      issued(requests.length, { refresh_token: `${form.get("refresh_token")}-next` }),
    );
    const saved: string[] = [];
    const tokens = createImapTokenSource({
      oauth: { service: "microsoft", refreshToken: "m-refresh" },
      apps: { microsoft: MICROSOFT },
      saveRefreshToken: async (token) => void saved.push(token),
    });
    await tokens.accessToken();
    await tokens.accessToken(true);
    expect(requests.map((form) => form.get("scope"))).toEqual([
      IMAP_OAUTH_SCOPES.microsoft.join(" "),
      IMAP_OAUTH_SCOPES.microsoft.join(" "),
    ]);
    expect(requests.map((form) => form.get("refresh_token"))).toEqual(["m-refresh", "m-refresh-next"]);
    expect(saved).toEqual(["m-refresh-next", "m-refresh-next-next"]);
  });
});

describe("an XOAUTH2 inbox's sign-in failing", () => {
  const source = () =>
    createImapTokenSource({
      oauth: { service: "google", refreshToken: "refresh-secret" },
      apps: { google: GOOGLE },
      saveRefreshToken: async () => undefined,
    });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as ProviderFailure,
    );

  it("is auth when the service no longer honours the grant: the owner must reconnect", async () => {
    tokenEndpoint(GOOGLE_TOKEN_URL, () => HttpResponse.json({ error: "invalid_grant" }, { status: 400 }));
    expect(await failure(source().accessToken())).toMatchObject({ kind: "auth" });
  });

  it("is unavailable when the sign-in service fails or cannot be reached", async () => {
    tokenEndpoint(GOOGLE_TOKEN_URL, () => new HttpResponse(null, { status: 503 }));
    expect(await failure(source().accessToken())).toMatchObject({ kind: "unavailable" });
    msw.use(http.post(GOOGLE_TOKEN_URL, () => HttpResponse.error()));
    expect(await failure(source().accessToken())).toMatchObject({ kind: "unavailable" });
  });

  it("is refused, for the operator, when the service refuses this server's app; never quoting a secret", async () => {
    tokenEndpoint(GOOGLE_TOKEN_URL, () => HttpResponse.json({ error: "invalid_client" }, { status: 401 }));
    const refused = await failure(source().accessToken());
    expect(refused).toMatchObject({ kind: "refused" });
    expect(refused?.detail).toContain("invalid_client");
    expect(refused?.detail).not.toContain("g-secret");
    expect(refused?.detail).not.toContain("refresh-secret");
  });

  it("is refused when this server has no app of that service", () => {
    expect(() =>
      createImapTokenSource({
        oauth: { service: "microsoft", refreshToken: "r" },
        apps: { google: GOOGLE },
        saveRefreshToken: async () => undefined,
      }),
    ).toThrow(ProviderFailure);
  });
});

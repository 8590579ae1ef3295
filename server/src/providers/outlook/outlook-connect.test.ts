// Connecting an Outlook mailbox against the fake identity platform: the consent URL MSAL builds, the
// code redeemed into a stored token cache, and refusals that say what Microsoft refused (never a
// code, a token or the client secret).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectError } from "../provider-apps.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../../test/fakes/outlook/fake-session.js";
import { exchangeOutlookCode, outlookConsentUrl } from "./outlook-connect.js";

let session: GraphFakeSession;
beforeAll(() => {
  session = startGraphFake();
  session.fake.addMailbox("ada@contoso.test", "Ada");
});
afterAll(() => session.close());

describe("outlookConsentUrl", () => {
  it("asks Microsoft for the mail scopes, a refresh token, the state and PKCE, to come back to the redirect URI", async () => {
    const url = new URL(await outlookConsentUrl(FAKE_MICROSOFT_APP, "state-123", "challenge-abc"));
    expect(`${url.origin}${url.pathname}`).toBe("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
    const params = url.searchParams;
    expect(params.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["Mail.ReadWrite", "Mail.Send", "User.Read", "offline_access"]),
    );
    expect(params.get("state")).toBe("state-123");
    expect(params.get("response_type")).toBe("code");
    expect(params.get("redirect_uri")).toBe(FAKE_MICROSOFT_APP.redirectUri);
    expect(params.get("client_id")).toBe(FAKE_MICROSOFT_APP.clientId);
    expect(params.get("code_challenge")).toBe("challenge-abc");
    expect(params.get("code_challenge_method")).toBe("S256");
  });
});

describe("exchangeOutlookCode", () => {
  it("redeems the code through MSAL into settings: MSAL's token cache, the account, the address and the folder ids", async () => {
    const connected = await exchangeOutlookCode(
      FAKE_MICROSOFT_APP,
      session.fake.issueAuthorizationCode("ada@contoso.test"),
    );
    expect(connected.address).toBe("ada@contoso.test");
    expect(connected.settings.address).toBe("ada@contoso.test");
    const cache = JSON.parse(connected.settings.tokenCache) as Record<
      string,
      Record<string, { home_account_id?: string }>
    >;
    expect(Object.keys(cache.RefreshToken ?? {})).toHaveLength(1);
    expect(Object.values(cache.Account ?? {})[0]?.home_account_id).toBe(connected.settings.homeAccountId);
    const mailbox = session.fake.mailbox("ada@contoso.test");
    expect(Object.keys(session.fake.requestCounts()).filter((endpoint) => endpoint.includes("unserved"))).toEqual([]);
    expect(connected.settings.folderIds).toEqual({
      INBOX: mailbox.folderId("inbox"),
      SENT: mailbox.folderId("sentitems"),
      DRAFTS: mailbox.folderId("drafts"),
      TRASH: mailbox.folderId("deleteditems"),
    });
  });

  it("refuses a code Microsoft does not accept (here: already redeemed) with a ConnectError naming the reason, not the code", async () => {
    const code = session.fake.issueAuthorizationCode("ada@contoso.test");
    await exchangeOutlookCode(FAKE_MICROSOFT_APP, code);
    const error = await exchangeOutlookCode(FAKE_MICROSOFT_APP, code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/invalid_grant.*AADSTS54005/u);
    expect((error as Error).message).not.toContain(code);
  });

  it("says so when the server's client secret is wrong, without showing it", async () => {
    const app = { ...FAKE_MICROSOFT_APP, clientSecret: "not-the-secret-42" };
    const error = await exchangeOutlookCode(app, session.fake.issueAuthorizationCode("ada@contoso.test")).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/invalid_client.*AADSTS7000215/u);
    expect((error as Error).message).not.toContain("not-the-secret-42");
  });
});

// Connecting a Gmail mailbox against the fake Google: the consent URL asks for offline access and
// gmail.modify only; the callback's code becomes stored settings that work; refusals say why
// without repeating any code or token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectError } from "../provider-apps.js";
import { GMAIL_SCOPE } from "../../../test/fakes/gmail/fake-oauth.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import { exchangeGmailCode, gmailConsentUrl } from "./gmail-connect.js";
import { createGmailProvider } from "./gmail-provider.js";

let rig: GmailRig;

beforeAll(() => {
  rig = startGmailRig();
  rig.gmail.mailboxes.addMailbox("new@example.com");
});

afterAll(() => rig?.close());

const consent = (scopes: readonly string[] = [GMAIL_SCOPE.modify]) =>
  rig.gmail.oauth.consent({
    clientId: rig.app.clientId,
    address: "new@example.com",
    scopes,
    redirectUri: rig.app.redirectUri,
  });

describe("gmailConsentUrl", () => {
  it("asks Google for offline access with a fresh consent, the narrowest scope serving the five tools, the state and PKCE", () => {
    const url = new URL(gmailConsentUrl(rig.app, "state-123", "challenge-abc"));
    expect(url.origin + url.pathname).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      access_type: "offline",
      prompt: "consent",
      scope: GMAIL_SCOPE.modify,
      state: "state-123",
      response_type: "code",
      client_id: rig.app.clientId,
      redirect_uri: rig.app.redirectUri,
      code_challenge: "challenge-abc",
      code_challenge_method: "S256",
    });
  });
});

describe("exchangeGmailCode", () => {
  it("turns the callback's code into settings (refresh token and the profile's address) that serve the tools", async () => {
    const connected = await exchangeGmailCode(rig.app, consent());
    expect(connected.address).toBe("new@example.com");
    expect(connected.settings.address).toBe("new@example.com");
    expect(rig.gmail.requests.getProfile).toBe(1);
    const provider = createGmailProvider({
      inbox: { id: "inbox", addresses: [connected.address] } as never,
      settings: connected.settings,
      app: rig.app,
    });
    const listed = await provider.list_inbox(
      { inbox_id: "inbox", limit: 5, offset: 0, folder: "INBOX", unread_only: false },
      new AbortController().signal,
    );
    expect(listed).toMatchObject({ messages: [], next_offset: null });
  });

  it("refuses a code Google does not accept (used, forged) with a ConnectError that does not repeat it", async () => {
    const code = consent();
    await exchangeGmailCode(rig.app, code);
    const refusal = await exchangeGmailCode(rig.app, code).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConnectError);
    expect((refusal as Error).message).toContain("invalid_grant");
    expect((refusal as Error).message).not.toContain(code);
  });

  it("refuses a consent that did not grant gmail.modify, saying which scope is missing", async () => {
    const refusal = await exchangeGmailCode(rig.app, consent([GMAIL_SCOPE.readonly])).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConnectError);
    expect((refusal as Error).message).toContain(GMAIL_SCOPE.modify);
  });

  it("refuses when the server's OAuth client is wrong, naming Google's error and not the secret", async () => {
    const wrongSecret = { ...rig.app, clientSecret: "not-the-secret" };
    const refusal = await exchangeGmailCode(wrongSecret, consent()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConnectError);
    expect((refusal as Error).message).toContain("invalid_client");
    expect((refusal as Error).message).not.toContain("not-the-secret");
  });
});

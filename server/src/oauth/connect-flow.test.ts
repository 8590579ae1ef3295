// The whole connect flow of an OAuth mailbox, with the real connect code against the provider
// fakes: the start link the connection prints, opened by a browser (which gets a binding cookie and
// is sent to the consent page), the consent (the fake's, with PKCE), the browser's GET on this
// server's callback, then the new inbox serving tools over /mcp with a live key.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { beginOAuthConnect, defaultConnectDeps } from "../admin/connect-inbox.js";
import { startGmailRig, type GmailRig } from "../../test/fakes/gmail/gmail-rig.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../test/fakes/outlook/fake-session.js";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

let server: TestServer | undefined;
let gmailRig: GmailRig | undefined;
let graph: GraphFakeSession | undefined;
afterEach(async () => {
  await server?.close();
  gmailRig?.close();
  graph?.close();
  [server, gmailRig, graph] = [undefined, undefined, undefined];
});

const base = () => server?.url.replace(/\/mcp$/u, "") ?? "";

/** A browser: it keeps the cookies this server sets and sends them back, and follows no redirect itself. */
function browser() {
  const cookies = new Map<string, string>();
  return {
    async get(pathAndQuery: string): Promise<{ status: number; text: string; location: string | null }> {
      const response = await fetch(`${base()}${pathAndQuery}`, {
        redirect: "manual",
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const [name, ...value] = (pair ?? "").split("=");
        if (name) cookies.set(name, value.join("="));
      }
      return { status: response.status, text: await response.text(), location: response.headers.get("location") };
    },
  };
}
type Browser = ReturnType<typeof browser>;

/** The browser opens the printed link (on this test server) and lands on the provider's consent URL. */
async function openLink(link: string, person: Browser): Promise<URL> {
  const printed = new URL(link);
  const started = await person.get(`${printed.pathname}${printed.search}`);
  expect(started.status).toBe(302);
  return new URL(started.location ?? "");
}

const callbackQuery = (code: string, state: string) => `?${new URLSearchParams({ code, state }).toString()}`;

describe("connecting a Gmail mailbox", () => {
  it("goes from the consent URL through Google's callback to an inbox that lists its mail", async () => {
    gmailRig = startGmailRig();
    const google = gmailRig.app;
    const connect = defaultConnectDeps({ google, microsoft: undefined, secretKey: randomBytes(32) });
    server = await startTestServer({ connect, registry: { google } });
    gmailRig.gmail.mailboxes.addMailbox("zoe@gmail.example");

    const link = await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "gmail" });
    expect(new URL(link).pathname).toBe("/oauth/google/start");
    const person = browser();
    const consentUrl = await openLink(link, person);
    expect(consentUrl.origin).toBe("https://accounts.google.com");
    expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({
      client_id: google.clientId,
      redirect_uri: google.redirectUri,
      access_type: "offline",
      response_type: "code",
      code_challenge_method: "S256",
    });
    const code = gmailRig.gmail.oauth.consent({
      clientId: google.clientId,
      address: "zoe@gmail.example",
      scopes: (consentUrl.searchParams.get("scope") ?? "").split(" "),
      redirectUri: google.redirectUri,
      codeChallenge: consentUrl.searchParams.get("code_challenge"),
    });

    const answer = await person.get(
      `/oauth/google/callback${callbackQuery(code, consentUrl.searchParams.get("state") ?? "")}`,
    );
    const inbox = (await server.store.listInboxes(server.workspaceId)).find((candidate) => candidate.kind === "gmail");
    expect(answer).toMatchObject({
      status: 200,
      text: `Connected zoe@gmail.example as inbox ${inbox?.id}. You can close this window.\n`,
    });
    expect(inbox?.mode).toBe("live");

    const listed = await post(server, toolCall("list_inbox", { inbox_id: inbox?.id }), {
      key: server.keys.live,
      revision: "2025-06-18",
    });
    expect(listed.json).toMatchObject({ result: { structuredContent: { messages: [], total: 0 } } });
  });

  it("connects nothing when Google refuses the code, and says so", async () => {
    gmailRig = startGmailRig();
    const connect = defaultConnectDeps({ google: gmailRig.app, microsoft: undefined, secretKey: randomBytes(32) });
    server = await startTestServer({ connect, registry: { google: gmailRig.app } });
    const person = browser();
    const consentUrl = await openLink(
      await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "gmail" }),
      person,
    );
    const state = consentUrl.searchParams.get("state") ?? "";
    const answer = await person.get(`/oauth/google/callback${callbackQuery("4/never-issued", state)}`);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/^Nothing was connected: /u);
    expect((await server.store.listInboxes(server.workspaceId)).some((candidate) => candidate.kind === "gmail")).toBe(
      false,
    );
  });
});

describe("connecting an Outlook mailbox", () => {
  it("goes from the consent URL through Microsoft's callback to an inbox that lists its mail", async () => {
    graph = startGraphFake();
    const microsoft = FAKE_MICROSOFT_APP;
    const connect = defaultConnectDeps({ google: undefined, microsoft, secretKey: randomBytes(32) });
    server = await startTestServer({ connect, registry: { microsoft } });
    graph.fake.addMailbox("zoe@outlook.example", "Zoë");

    const person = browser();
    const consentUrl = await openLink(
      await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "outlook" }),
      person,
    );
    expect(consentUrl.host).toBe("login.microsoftonline.com");
    expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({
      client_id: microsoft.clientId,
      redirect_uri: microsoft.redirectUri,
      response_type: "code",
    });
    expect(consentUrl.searchParams.get("scope")).toContain("offline_access");

    const code = graph.fake.issueAuthorizationCode(
      "zoe@outlook.example",
      consentUrl.searchParams.get("code_challenge"),
    );
    const answer = await person.get(
      `/oauth/microsoft/callback${callbackQuery(code, consentUrl.searchParams.get("state") ?? "")}`,
    );
    const inbox = (await server.store.listInboxes(server.workspaceId)).find(
      (candidate) => candidate.kind === "outlook",
    );
    expect(answer).toMatchObject({
      status: 200,
      text: `Connected zoe@outlook.example as inbox ${inbox?.id}. You can close this window.\n`,
    });

    const listed = await post(server, toolCall("list_inbox", { inbox_id: inbox?.id }), {
      key: server.keys.live,
      revision: "2025-06-18",
    });
    expect(listed.json).toMatchObject({ result: { structuredContent: { messages: [], total: 0 } } });
  });
});

describe("a consent's state in the wrong hands", () => {
  async function started() {
    gmailRig = startGmailRig();
    const google = gmailRig.app;
    const connect = defaultConnectDeps({ google, microsoft: undefined, secretKey: randomBytes(32) });
    server = await startTestServer({ connect, registry: { google } });
    gmailRig.gmail.mailboxes.addMailbox("zoe@gmail.example");
    gmailRig.gmail.mailboxes.addMailbox("mallory@gmail.example");
    const person = browser();
    const link = await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "gmail" });
    const consentUrl = await openLink(link, person);
    const consent = (address: string, codeChallenge: string | null) =>
      gmailRig?.gmail.oauth.consent({
        clientId: google.clientId,
        address,
        scopes: (consentUrl.searchParams.get("scope") ?? "").split(" "),
        redirectUri: google.redirectUri,
        codeChallenge,
      }) ?? "";
    return { person, link, consentUrl, state: consentUrl.searchParams.get("state") ?? "", consent };
  }

  it("connects nothing from a browser that did not open the link, and the start link opens once", async () => {
    const { link, state, consent, consentUrl } = await started();
    const attacker = browser();
    const printed = new URL(link);
    expect((await attacker.get(`${printed.pathname}${printed.search}`)).status).toBe(400);
    const code = consent("mallory@gmail.example", consentUrl.searchParams.get("code_challenge"));
    const answer = await attacker.get(`/oauth/google/callback${callbackQuery(code, state)}`);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/this browser did not open the connection link/u);
    expect(await server?.store.listInboxes(server.workspaceId)).not.toContainEqual(
      expect.objectContaining({ kind: "gmail" }),
    );
  });

  it("redeems a state once: a replayed callback attaches no second mailbox", async () => {
    const { person, state, consent, consentUrl } = await started();
    const challenge = consentUrl.searchParams.get("code_challenge");
    const first = await person.get(
      `/oauth/google/callback${callbackQuery(consent("zoe@gmail.example", challenge), state)}`,
    );
    expect(first.status).toBe(200);
    const replay = await person.get(
      `/oauth/google/callback${callbackQuery(consent("mallory@gmail.example", challenge), state)}`,
    );
    expect(replay).toMatchObject({ status: 400, text: expect.stringMatching(/this consent was already used/u) });
    const gmailInboxes = (await server?.store.listInboxes(server.workspaceId))?.filter(
      (inbox) => inbox.kind === "gmail",
    );
    expect(gmailInboxes?.map((inbox) => inbox.addresses)).toEqual([["zoe@gmail.example"]]);
  });

  it("redeems no code issued for another PKCE challenge (a code stolen from another flow)", async () => {
    const { person, state, consent } = await started();
    const stolen = consent("mallory@gmail.example", "a-challenge-of-another-flow-aaaaaaaaaaaaaaaa");
    const answer = await person.get(`/oauth/google/callback${callbackQuery(stolen, state)}`);
    expect(answer).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^Nothing was connected: Google refused/u),
    });
  });
});

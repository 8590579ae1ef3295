// The whole connect flow of an OAuth mailbox, with the real connect code against the provider
// fakes: the consent URL, the consent (the fake's), the browser's GET on this server's callback,
// then the new inbox serving tools over /mcp with a live key.
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

/** The callback as the browser calls it, over real HTTP. */
async function callback(path: string, query: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server?.url.replace(/\/mcp$/u, "")}${path}?${new URLSearchParams(query).toString()}`);
  return { status: response.status, text: await response.text() };
}

describe("connecting a Gmail mailbox", () => {
  it("goes from the consent URL through Google's callback to an inbox that lists its mail", async () => {
    gmailRig = startGmailRig();
    const google = gmailRig.app;
    const connect = defaultConnectDeps({ google, microsoft: undefined, secretKey: randomBytes(32) });
    server = await startTestServer({ connect, registry: { google } });
    gmailRig.gmail.mailboxes.addMailbox("zoe@gmail.example");

    const consentUrl = new URL(
      await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "gmail" }),
    );
    expect(consentUrl.origin).toBe("https://accounts.google.com");
    expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({
      client_id: google.clientId,
      redirect_uri: google.redirectUri,
      access_type: "offline",
      response_type: "code",
    });
    const code = gmailRig.gmail.oauth.consent({
      clientId: google.clientId,
      address: "zoe@gmail.example",
      scopes: (consentUrl.searchParams.get("scope") ?? "").split(" "),
      redirectUri: google.redirectUri,
    });

    const answer = await callback("/oauth/google/callback", {
      code,
      state: consentUrl.searchParams.get("state") ?? "",
    });
    const inbox = (await server.store.listInboxes(server.workspaceId)).find((candidate) => candidate.kind === "gmail");
    expect(answer).toEqual({
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
    const state =
      new URL(
        await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "gmail" }),
      ).searchParams.get("state") ?? "";
    const answer = await callback("/oauth/google/callback", { code: "4/never-issued", state });
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

    const consentUrl = new URL(
      await beginOAuthConnect(server.store, connect, { workspaceId: server.workspaceId, kind: "outlook" }),
    );
    expect(consentUrl.host).toBe("login.microsoftonline.com");
    expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({
      client_id: microsoft.clientId,
      redirect_uri: microsoft.redirectUri,
      response_type: "code",
    });
    expect(consentUrl.searchParams.get("scope")).toContain("offline_access");

    const answer = await callback("/oauth/microsoft/callback", {
      code: graph.fake.issueAuthorizationCode("zoe@outlook.example"),
      state: consentUrl.searchParams.get("state") ?? "",
    });
    const inbox = (await server.store.listInboxes(server.workspaceId)).find(
      (candidate) => candidate.kind === "outlook",
    );
    expect(answer).toEqual({
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

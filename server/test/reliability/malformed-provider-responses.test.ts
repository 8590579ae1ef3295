// A provider that answers something that is not JSON (HTML from a proxy with status 200, a cut-off
// body) gets the agent provider_error, never a crash or an internal error, and the next call,
// answered properly, works (a read is retried first, as after a 5xx). (JSON of an unexpected shape is not covered: Gmail omits empty lists,
// so such an answer reads as an empty page.)
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { startGmailRig, type GmailRig } from "../fakes/gmail/gmail-rig.js";
import { GMAIL_ORIGIN } from "../fakes/gmail/fake-gmail-api.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../fakes/outlook/fake-session.js";
import { GRAPH_ROOT } from "../fakes/outlook/graph-handlers.js";
import { post, startTestServer, toolCall, type TestServer } from "../support/test-server.js";

const MALFORMED = [
  {
    name: "an HTML page with status 200",
    answer: () =>
      new HttpResponse("<html><body>Service temporarily unavailable</body></html>", {
        status: 200,
        headers: { "content-type": "text/html" },
      }),
  },
  {
    name: "a JSON body cut off",
    answer: () =>
      new HttpResponse('{"messages": [{"id": "abc', { status: 200, headers: { "content-type": "application/json" } }),
  },
] as const;

let server: TestServer | undefined;
let gmailRig: GmailRig | undefined;
let graph: GraphFakeSession | undefined;
afterEach(async () => {
  await server?.close();
  gmailRig?.close();
  graph?.close();
  [server, gmailRig, graph] = [undefined, undefined, undefined];
});

async function callTool(
  s: TestServer,
  name: string,
  args: Record<string, unknown>,
): Promise<{ status: number; result: Record<string, unknown> | undefined; error: unknown }> {
  const response = await post(s, toolCall(name, args), { key: s.keys.live, revision: "2025-06-18" });
  const json = response.json as {
    result?: { structuredContent?: Record<string, unknown> } & Record<string, unknown>;
    error?: unknown;
  };
  return { status: response.status, result: json.result, error: json.error };
}

describe.each(MALFORMED)("a provider answering $name", ({ answer }) => {
  it("Gmail: list_inbox and read_email give provider_error, then work again", async () => {
    gmailRig = startGmailRig();
    const settings = gmailRig.connect("malformed@gmail.example");
    server = await startTestServer({
      registry: { google: gmailRig.app },
      inboxes: [{ kind: "gmail", addresses: [settings.address], secret: JSON.stringify(settings) }],
    });
    const inboxId = server.extraInboxes[0]?.id;
    gmailRig.msw.use(
      http.get(`${GMAIL_ORIGIN}/gmail/v1/users/me/messages`, answer),
      http.get(`${GMAIL_ORIGIN}/gmail/v1/users/me/messages/:id`, answer),
    );
    for (const [tool, args] of [
      ["list_inbox", { inbox_id: inboxId }],
      ["read_email", { inbox_id: inboxId, message_id: "18c2f0a1b2c3d4e5" }],
    ] as const) {
      const refused = await callTool(server, tool, args);
      expect(refused.status, tool).toBe(200);
      expect(refused.error, tool).toBeUndefined();
      expect(refused.result, tool).toMatchObject({ isError: true, errorCode: "provider_error" });
    }
    gmailRig.msw.resetHandlers();
    expect((await callTool(server, "list_inbox", { inbox_id: inboxId })).result).toMatchObject({
      structuredContent: { messages: [] },
    });
  });

  it("Outlook: list_inbox and read_email give provider_error, then work again", async () => {
    graph = startGraphFake();
    const settings = await graph.connect("malformed@outlook.example");
    server = await startTestServer({
      registry: { microsoft: FAKE_MICROSOFT_APP },
      inboxes: [{ kind: "outlook", addresses: [settings.address], secret: JSON.stringify(settings) }],
    });
    const inboxId = server.extraInboxes[0]?.id;
    graph.msw.use(
      http.get(`${GRAPH_ROOT}/me/mailFolders/:folder/messages`, answer),
      http.get(`${GRAPH_ROOT}/me/messages/:id`, answer),
    );
    for (const [tool, args] of [
      ["list_inbox", { inbox_id: inboxId }],
      ["read_email", { inbox_id: inboxId, message_id: "AAMkAGI2" }],
    ] as const) {
      const refused = await callTool(server, tool, args);
      expect(refused.status, tool).toBe(200);
      expect(refused.error, tool).toBeUndefined();
      expect(refused.result, tool).toMatchObject({ isError: true, errorCode: "provider_error" });
    }
    graph.msw.resetHandlers();
    expect((await callTool(server, "list_inbox", { inbox_id: inboxId })).result).toMatchObject({
      structuredContent: { messages: [] },
    });
  });
});

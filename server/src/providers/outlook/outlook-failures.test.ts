// What a caller hears when something other than Graph answering fails: Microsoft's sign-in service
// unreachable or failing (a provider_error, "Nothing was sent" on a send, never -32603), a bug of
// this server's (thrown for the MCP layer's -32603, never in Graph's words, never "may have been
// sent" before the hand-over), and a caller that went away (nothing waits on).
import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { InboxRecord } from "../../store/store.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../../test/fakes/outlook/fake-session.js";
import { LOGIN_HOST } from "../../../test/fakes/outlook/token-endpoint.js";
import { createOutlookProvider, type OutlookProviderOptions } from "./outlook-provider.js";
import type { OutlookSettings } from "./outlook-settings.js";

const ADA = "ada@contoso.test";
const BOB = "bob@contoso.test";
let session: GraphFakeSession;
let settings: OutlookSettings;
const inbox = { id: randomUUID(), addresses: [ADA] } as InboxRecord;
const signal = new AbortController().signal;
const provider = (options: Partial<OutlookProviderOptions> = {}) =>
  createOutlookProvider({ inbox, settings, app: FAKE_MICROSOFT_APP, saveSettings: async () => undefined, ...options });
const listArgs = { inbox_id: inbox.id, limit: 5, offset: 0, folder: "INBOX", unread_only: false } as const;
const sendArgs = { inbox_id: inbox.id, to: [BOB], cc: [], bcc: [], subject: "Hi", body: "Hello", attachments: [] };
const TOKEN_ENDPOINT = `${LOGIN_HOST}/:tenant/oauth2/v2.0/token`;

/** Microsoft's sign-in service answering as `answer` from now on, and the access tokens Graph holds expired. */
function signInFails(answer: () => Response) {
  session.msw.use(http.post(TOKEN_ENDPOINT, answer));
  session.fake.expireAccessTokens(ADA);
}

beforeAll(async () => {
  session = startGraphFake();
  session.fake.addMailbox(BOB);
});
beforeEach(async () => {
  settings = await session.connect(ADA);
  session.fake.resetCounts();
});
afterEach(async () => {
  session.msw.resetHandlers();
  session.fake.latencyMs = 0;
  await session.fake.settled();
  for (const address of [ADA, BOB]) session.fake.mailbox(address).messages.clear();
});
afterAll(() => session.close());

describe("Microsoft's sign-in service unreachable or failing", () => {
  it("answers a send provider_error saying nothing was sent, without a delivery status, and Graph is never asked to send", async () => {
    signInFails(() => HttpResponse.error());
    const result = await provider().send_email(sendArgs, signal);
    expect(result).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      content: [
        {
          text: expect.stringMatching(
            /Microsoft's sign-in service did not give an access token \(network_error\)\. Nothing was sent\.$/u,
          ),
        },
      ],
    });
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBeUndefined();
    expect(session.fake.mailbox(BOB).messages.size).toBe(0);
  });

  it("answers a send whose send request Graph refused with 401 provider_error saying nothing was sent when the token cannot be refreshed for the retry", async () => {
    session.msw.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.error()));
    session.fake.failNext({ endpoint: /\/send$/u, status: 401, code: "InvalidAuthenticationToken" });
    const result = await provider().send_email(sendArgs, signal);
    expect(result).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      content: [{ text: expect.stringMatching(/\(network_error\)\. Nothing was sent\.$/u) }],
    });
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBe(1);
    expect(session.fake.mailbox(BOB).messages.size).toBe(0);
    expect(session.fake.mailbox(ADA).messages.size, "the refused draft is deleted").toBe(0);
  });

  it("answers a read provider_error, for no answer as for a 503", async () => {
    signInFails(() => HttpResponse.error());
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      content: [{ text: expect.stringContaining("sign-in service did not give an access token") }],
    });
    signInFails(() =>
      HttpResponse.json(
        { error: "temporarily_unavailable", error_description: "AADSTS90033: try later" },
        { status: 503 },
      ),
    );
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({ isError: true, errorCode: "provider_error" });
  });

  it("still answers auth_failed when Microsoft refuses the grant itself", async () => {
    session.fake.revokeGrant(ADA);
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({ isError: true, errorCode: "auth_failed" });
  });
});

describe("a bug of this server's", () => {
  const bug = async () => {
    throw new TypeError("a bug of ours");
  };

  it("is thrown (the MCP layer's -32603), not answered in Graph's words", async () => {
    session.fake.throttleNext(1, 1);
    await expect(provider({ sleep: bug }).list_inbox(listArgs, signal)).rejects.toThrow("a bug of ours");
  });

  it("in a send before the hand-over is thrown too, never 'may have been sent', and nothing is sent", async () => {
    session.fake.throttleNext(1, 1, /^POST \/me\/messages$/u);
    await expect(provider({ sleep: bug }).send_email(sendArgs, signal)).rejects.toThrow("a bug of ours");
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBeUndefined();
    expect(session.fake.mailbox(BOB).messages.size).toBe(0);
  });
});

describe("a caller that goes away", () => {
  it("is not kept waiting for Graph's answer", async () => {
    session.fake.latencyMs = 3_000;
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error("the client went away")), 50);
    const started = Date.now();
    await expect(provider().list_inbox(listArgs, caller.signal)).rejects.toThrow("the client went away");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

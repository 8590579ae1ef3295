// How the provider treats Graph's answers over time: 429 waits for Retry-After (recorded here, not
// slept), bounded; a send that timed out is not resent; a read or search that timed out says so.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { InboxRecord } from "../../store/store.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../../test/fakes/outlook/fake-session.js";
import { graphUrl } from "./graph-client.js";
import { createOutlookProvider } from "./outlook-provider.js";
import type { OutlookSettings } from "./outlook-settings.js";

const ADA = "ada@contoso.test";
let session: GraphFakeSession;
let settings: OutlookSettings;
let slept: number[];
const signal = new AbortController().signal;
const inbox = { id: randomUUID(), addresses: [ADA] } as InboxRecord;
const provider = (requestTimeoutMs?: number, now?: Date) =>
  createOutlookProvider({
    inbox,
    settings,
    app: FAKE_MICROSOFT_APP,
    saveSettings: async () => undefined,
    sleep: async (ms) => void slept.push(ms),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
    ...(now ? { now: () => now } : {}),
  });
const listArgs = { inbox_id: inbox.id, limit: 5, offset: 0, folder: "INBOX", unread_only: false } as const;
const sendArgs = {
  inbox_id: inbox.id,
  to: ["bob@contoso.test"],
  cc: [],
  bcc: [],
  subject: "Hi",
  body: "Hello",
  attachments: [],
};

beforeAll(async () => {
  session = startGraphFake();
  session.fake.addMailbox("bob@contoso.test");
  settings = await session.connect(ADA);
});
beforeEach(async () => {
  await session.fake.settled();
  session.fake.sentCopyDelayMs = 300;
  slept = [];
  session.fake.latencyMs = 0;
  session.fake.latencyEndpoint = undefined;
  session.fake.mailbox("bob@contoso.test").messages.clear();
});
afterAll(() => session.close());

describe("429 from Graph", () => {
  it("waits Retry-After before each retry and then succeeds", async () => {
    session.fake.throttleNext(2, 7);
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({ messages: [] });
    expect(slept).toEqual([7000, 7000]);
  });

  it("gives up after 3 retries with provider_error carrying retryAfter", async () => {
    session.fake.throttleNext(4, 2);
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      retryAfter: 2,
    });
    expect(slept).toEqual([2000, 2000, 2000]);
  });

  it("does not wait a Retry-After longer than 30 s: it says how long instead", async () => {
    session.fake.throttleNext(1, 120);
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      retryAfter: 120,
    });
    expect(slept).toEqual([]);
  });

  it("reads a Retry-After given as an HTTP-date: waits until then, or says how long when that is over 30 s", async () => {
    const now = new Date("2026-11-02T10:00:00Z");
    session.fake.throttleNext(1, new Date("2026-11-02T10:00:07Z"));
    expect(await provider(undefined, now).list_inbox(listArgs, signal)).toMatchObject({ messages: [] });
    expect(slept).toEqual([7000]);
    session.fake.throttleNext(1, new Date("2026-11-02T10:01:30Z"));
    expect(await provider(undefined, now).list_inbox(listArgs, signal)).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      retryAfter: 90,
    });
    expect(slept).toEqual([7000]);
  });
});

describe("5xx from Graph", () => {
  it("retries a read after a 5xx under the providers' retry rule (Retry-After when given, else a doubling backoff), and answers it", async () => {
    session.fake.failNext({
      endpoint: /^GET .*\/messages$/u,
      status: 503,
      code: "ServiceUnavailable",
      retryAfterSeconds: 3,
    });
    session.fake.failNext({ endpoint: /^GET .*\/messages$/u, status: 500, code: "InternalServerError" });
    expect(await provider().list_inbox(listArgs, signal)).toMatchObject({ messages: [] });
    expect(slept).toEqual([3000, 2000]);
  });

  it("gives up on a read after 4 attempts with provider_error, nothing said of delivery", async () => {
    session.fake.failNext({ endpoint: /^GET .*\/messages$/u, status: 502, code: "BadGateway", times: 4 });
    const result = await provider().list_inbox(listArgs, signal);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(slept).toEqual([1000, 2000, 4000]);
  });

  it("never retries a send after a 5xx: one send request, provider_error with delivery status unknown", async () => {
    session.fake.failNext({ endpoint: /\/send$/u, status: 500, code: "InternalServerError", afterExecution: true });
    session.fake.resetCounts();
    const result = await provider().send_email(sendArgs, signal);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBe(1);
    expect(slept).toEqual([]);
  });
});

describe("concurrency", () => {
  it("keeps at most 4 requests in flight per mailbox, so Graph's MailboxConcurrency limit never answers 429", async () => {
    const seeded = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        session.fake.seed(ADA, `From: bob@contoso.test\r\nSubject: ${i}\r\n\r\nText\r\n`),
      ),
    );
    session.fake.latencyMs = 25;
    session.fake.maxObservedConcurrency = 0;
    session.fake.resetCounts();
    const outlook = provider();
    const results = await Promise.all(
      seeded.map((s) =>
        outlook.read_email(
          {
            inbox_id: inbox.id,
            message_id: s.message.id,
            include_html: false,
            include_attachments: false,
            mark_as_read: false,
            body_format: "text",
            strip_quoted: false,
          },
          signal,
        ),
      ),
    );
    expect(results.every((r) => !("isError" in r))).toBe(true);
    expect(session.fake.maxObservedConcurrency).toBe(4);
    expect(slept).toEqual([]);
  });

  const readArgs = (messageId: string) =>
    ({
      inbox_id: inbox.id,
      message_id: messageId,
      include_html: false,
      include_attachments: false,
      mark_as_read: false,
      body_format: "text",
      strip_quoted: false,
    }) as const;

  it("holds a request's slot until its body is read, not only until its headers came: a MIME source still streaming counts against Graph's 4", async () => {
    const seeded = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        session.fake.seed(ADA, `From: bob@contoso.test\r\nSubject: ${i}\r\n\r\nText\r\n`),
      ),
    );
    session.fake.bodyStreamMs = 20;
    session.fake.mailboxConcurrencyRefusals = 0;
    const outlook = provider();
    try {
      const results = await Promise.all(seeded.map((s) => outlook.read_email(readArgs(s.message.id), signal)));
      expect(results.every((r) => !("isError" in r))).toBe(true);
    } finally {
      session.fake.bodyStreamMs = 0;
    }
    expect(session.fake.mailboxConcurrencyRefusals).toBe(0);
    expect(slept).toEqual([]);
  });

  it("shares the 4 slots among every provider of one mailbox (a replaced provider still finishing, two inboxes on one account)", async () => {
    const seeded = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        session.fake.seed(ADA, `From: bob@contoso.test\r\nSubject: ${i}\r\n\r\nText\r\n`),
      ),
    );
    session.fake.latencyMs = 25;
    session.fake.mailboxConcurrencyRefusals = 0;
    session.fake.maxObservedConcurrency = 0;
    const [first, second] = [provider(), provider()];
    const results = await Promise.all(
      [first, second].flatMap((outlook) => seeded.map((s) => outlook.read_email(readArgs(s.message.id), signal))),
    );
    expect(results.every((r) => !("isError" in r))).toBe(true);
    expect(session.fake.mailboxConcurrencyRefusals).toBe(0);
    expect(session.fake.maxObservedConcurrency).toBe(4);
    expect(slept).toEqual([]);
  });
});

describe("tokens", () => {
  it("refreshes an access token about to expire before using it (MSAL's silent flow), with no 401 on the way", async () => {
    session.fake.accessTokenLifetimeSeconds = 60;
    const shortLived = await session.connect(ADA);
    session.fake.accessTokenLifetimeSeconds = 3600;
    const saved: OutlookSettings[] = [];
    const outlook = createOutlookProvider({
      inbox,
      settings: shortLived,
      app: FAKE_MICROSOFT_APP,
      saveSettings: async (next) => void saved.push(next),
    });
    session.fake.resetCounts();
    expect(await outlook.list_inbox(listArgs, signal)).not.toHaveProperty("isError");
    expect(session.fake.requestCounts()).toMatchObject({ "POST login/token": 1 });
    expect(session.fake.requestCounts()["GET (unauthorised)"]).toBeUndefined();
    expect(saved.at(-1)?.tokenCache).not.toBe(shortLived.tokenCache);
    await outlook.close();
  });
});

describe("timeouts", () => {
  it("never resends a send that timed out: provider_error with delivery status unknown", async () => {
    session.fake.latencyMs = 300;
    session.fake.latencyEndpoint = /\/send$/u;
    const result = await provider(50).send_email(sendArgs, signal);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBeGreaterThanOrEqual(1);
    session.fake.resetCounts();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await session.fake.settled();
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBeUndefined();
    expect(session.fake.mailbox("bob@contoso.test").messages.size).toBe(1);
  });

  it("says nothing was sent when creating the draft timed out, and never asks Graph to send it", async () => {
    session.fake.latencyMs = 300;
    session.fake.resetCounts();
    const result = await provider(50).send_email(sendArgs, signal);
    expect(result).toMatchObject({
      isError: true,
      errorCode: "provider_error",
      content: [{ text: expect.stringMatching(/Nothing was sent\.$/u) }],
    });
    expect(result).not.toHaveProperty("deliveryStatus");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(session.fake.requestCounts()["POST /me/messages/{id}/send"]).toBeUndefined();
    expect(session.fake.mailbox("bob@contoso.test").messages.size).toBe(0);
  });

  it("answers provider_error for a read or a search whose request Graph did not answer within the request bound (search_timeout is the call's deadline, outlook-search-deadline.test.ts)", async () => {
    session.fake.latencyMs = 300;
    for (const result of [
      await provider(50).search_emails(
        { inbox_id: inbox.id, query: "x", syntax: "portable", limit: 5, offset: 0 },
        signal,
      ),
      await provider(50).list_inbox(listArgs, signal),
    ])
      expect(result).toMatchObject({
        errorCode: "provider_error",
        content: [{ text: expect.stringContaining("Graph did not answer within 0.05 s") }],
      });
  });
});

describe("the Sent Items copy, which Exchange files some time after the send's 202", () => {
  it("answers with the copy's id once it is filed, having looked for it by the draft's immutable id", async () => {
    session.fake.mailbox(ADA).messages.clear();
    session.fake.resetCounts();
    const result = await provider().send_email(sendArgs, signal);
    const [copy] = session.fake.mailbox(ADA).messages.values();
    expect(copy?.message.parentFolderId).toBe(session.fake.mailbox(ADA).folderId("sentitems"));
    expect(result).toMatchObject({ message_id: copy?.message.id, thread_id: copy?.message.conversationId });
    expect(session.fake.requestCounts()["GET /me/messages/{id}"]).toBeGreaterThanOrEqual(1);
    session.fake.mailbox(ADA).messages.clear();
  });

  it("answers message_id null (and the draft's conversation) when the copy is not filed within the wait; the message is sent all the same", async () => {
    session.fake.sentCopyDelayMs = 1_000;
    session.fake.mailbox(ADA).messages.clear();
    const started = Date.now();
    const result = await createOutlookProvider({
      inbox,
      settings,
      app: FAKE_MICROSOFT_APP,
      saveSettings: async () => undefined,
      sentCopyWaitMs: 300,
    }).send_email(sendArgs, signal);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ message_id: null, thread_id: expect.any(String) });
    expect(session.fake.mailbox("bob@contoso.test").messages.size).toBe(0);
    await session.fake.settled();
    expect(session.fake.mailbox("bob@contoso.test").messages.size).toBe(1);
    const [copy] = session.fake.mailbox(ADA).messages.values();
    expect(copy?.message.conversationId).toBe((result as { thread_id: string }).thread_id);
    session.fake.mailbox(ADA).messages.clear();
  });
});

describe("absolute URLs in Graph's answers (nextLink, uploadUrl)", () => {
  it("follows a nextLink only to Graph itself, over https, where the bearer token goes", () => {
    expect(graphUrl({ path: "https://graph.microsoft.com/v1.0/me/messages?$skiptoken=x" }).host).toBe(
      "graph.microsoft.com",
    );
    for (const path of [
      "https://attacker.example/v1.0/me/messages",
      "https://graph.microsoft.com.attacker.example/v1.0/me",
      "http://graph.microsoft.com/v1.0/me/messages",
      "https://user:pw@graph.microsoft.com/v1.0/me",
      "https://outlook.office.com/api/v2.0/me/messages",
      "file:///etc/passwd",
      "not a url",
    ])
      expect(() => graphUrl({ path }), path).toThrow(
        expect.objectContaining({ code: "untrusted_url", kind: "refused" }),
      );
  });

  it("sends an upload (no token) to Outlook's upload host or Graph only", () => {
    const upload = "https://outlook.office.com/api/v2.0/AttachmentSessions('s')?authtoken=t";
    expect(graphUrl({ path: upload, authenticated: false }).href).toBe(upload);
    expect(() => graphUrl({ path: "https://attacker.example/upload", authenticated: false })).toThrow(
      expect.objectContaining({ code: "untrusted_url" }),
    );
  });
});

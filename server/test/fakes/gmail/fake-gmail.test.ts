// The fake Gmail's documented behaviour, exercised with Google's own client (@googleapis/gmail and
// its OAuth2 client) so that the fake answers what the real client sends and reads.
import { auth, gmail, type gmail_v1 } from "@googleapis/gmail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMessage } from "../../../src/mail/compose.js";
import { BATCH_URL } from "./batch-endpoint.js";
import { addUserLabel } from "./fake-label-registry.js";
import { GMAIL_SCOPE } from "./fake-oauth.js";
import { startGmailRig, type GmailRig } from "./gmail-rig.js";

let rig: GmailRig;

function client(refreshToken: string): { api: gmail_v1.Gmail; oauth: InstanceType<typeof auth.OAuth2> } {
  const oauth = new auth.OAuth2({
    clientId: rig.app.clientId,
    clientSecret: rig.app.clientSecret,
    redirectUri: rig.app.redirectUri,
  });
  oauth.setCredentials({ refresh_token: refreshToken });
  return { api: gmail({ version: "v1", auth: oauth }), oauth };
}

async function status(
  promise: Promise<unknown>,
): Promise<{ status: number; data: unknown; retryAfter: string | null }> {
  try {
    await promise;
    return { status: 200, data: undefined, retryAfter: null };
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers: Headers } }).response;
    if (response === undefined) throw error;
    return { status: response.status, data: response.data, retryAfter: response.headers.get("retry-after") };
  }
}

async function raw(
  subject: string,
  extra: { to?: string; inReplyTo?: string; date?: Date; messageId?: string } = {},
): Promise<string> {
  const composed = await composeMessage({
    from: { name: null, address: "someone@example.org" },
    to: [{ name: null, address: extra.to ?? "a@example.com" }],
    subject,
    text: `About ${subject}`,
    messageId: extra.messageId ?? `<${subject.replace(/\W/gu, "")}-${Math.random()}@example.org>`,
    date: extra.date ?? new Date(),
    ...(extra.inReplyTo === undefined ? {} : { inReplyTo: extra.inReplyTo, references: [extra.inReplyTo] }),
  });
  return composed.raw;
}

const opts = { retry: false } as const;

beforeAll(() => {
  rig = startGmailRig();
});

afterAll(() => rig?.close());

describe("Google's token endpoint", () => {
  it("issues access tokens for a refresh token, and invalid_grant once it is revoked", async () => {
    const settings = rig.connect("token@example.com");
    const { oauth } = client(settings.refreshToken);
    const first = await oauth.getAccessToken();
    expect(first.token).toMatch(/^ya29\./u);
    rig.gmail.oauth.revoke(settings.refreshToken);
    const fresh = client(settings.refreshToken);
    expect(await status(fresh.oauth.getAccessToken())).toMatchObject({ status: 400, data: { error: "invalid_grant" } });
  });

  it("answers invalid_client to a wrong client secret", async () => {
    const settings = rig.connect("client@example.com");
    const oauth = new auth.OAuth2({
      clientId: rig.app.clientId,
      clientSecret: "wrong",
      redirectUri: rig.app.redirectUri,
    });
    oauth.setCredentials({ refresh_token: settings.refreshToken });
    expect(await status(oauth.getAccessToken())).toMatchObject({ status: 401, data: { error: "invalid_client" } });
  });
});

describe("authentication and scopes of the API", () => {
  it("answers 401 to an expired access token and 403 insufficientPermissions to a call outside the grant's scopes", async () => {
    const settings = rig.connect("scoped@example.com", [GMAIL_SCOPE.readonly]);
    const { api } = client(settings.refreshToken);
    expect((await api.users.getProfile({ userId: "me" }, opts)).data.emailAddress).toBe("scoped@example.com");
    const refused = await status(
      api.users.messages.send(
        {
          userId: "me",
          requestBody: { raw: Buffer.from(await raw("x", { to: "b@example.com" })).toString("base64url") },
        },
        opts,
      ),
    );
    expect(refused).toMatchObject({
      status: 403,
      data: { error: { errors: [{ reason: "insufficientPermissions" }] } },
    });
    rig.gmail.oauth.expireAccessTokens();
    expect((await status(api.users.getProfile({ userId: "me" }, opts))).status).toBe(401);
  });

  it("does not give the raw source to a grant with the metadata scope only", async () => {
    const settings = rig.connect("metadata@example.com", [GMAIL_SCOPE.metadata]);
    const message = await rig.gmail.mailboxes.insert("metadata@example.com", await raw("Meta"), {
      labelIds: ["INBOX"],
    });
    const { api } = client(settings.refreshToken);
    expect(
      (await api.users.messages.get({ userId: "me", id: message.id, format: "metadata" }, opts)).data.payload?.headers
        ?.length,
    ).toBeGreaterThan(0);
    expect((await status(api.users.messages.get({ userId: "me", id: message.id, format: "raw" }, opts))).status).toBe(
      403,
    );
  });
});

describe("messages.list", () => {
  let api: gmail_v1.Gmail;

  beforeAll(async () => {
    api = client(rig.connect("list@example.com").refreshToken).api;
    for (let index = 0; index < 7; index++) {
      await rig.gmail.mailboxes.insert(
        "list@example.com",
        await raw(`Listed ${index}`, { to: "list@example.com", date: new Date(Date.UTC(2026, 0, 1 + index)) }),
        { labelIds: index % 2 === 0 ? ["INBOX", "UNREAD"] : ["INBOX"] },
      );
    }
    await rig.gmail.mailboxes.insert("list@example.com", await raw("Binned", { to: "list@example.com" }), {
      labelIds: ["TRASH"],
    });
  });

  it("pages newest first with page tokens and gives resultSizeEstimate", async () => {
    const first = (await api.users.messages.list({ userId: "me", labelIds: ["INBOX"], maxResults: 3 }, opts)).data;
    expect(first.resultSizeEstimate).toBe(7);
    const second = (
      await api.users.messages.list(
        { userId: "me", labelIds: ["INBOX"], maxResults: 3, pageToken: first.nextPageToken ?? "" },
        opts,
      )
    ).data;
    const third = (
      await api.users.messages.list(
        { userId: "me", labelIds: ["INBOX"], maxResults: 3, pageToken: second.nextPageToken ?? "" },
        opts,
      )
    ).data;
    expect(third.nextPageToken).toBeUndefined();
    const ids = [...(first.messages ?? []), ...(second.messages ?? []), ...(third.messages ?? [])].map(
      (message) => message.id,
    );
    expect(new Set(ids).size).toBe(7);
    const newest = (
      await api.users.messages.get(
        { userId: "me", id: ids[0] ?? "", format: "metadata", metadataHeaders: ["Subject"] },
        opts,
      )
    ).data;
    expect(newest.payload?.headers).toEqual([{ name: "Subject", value: "Listed 6" }]);
  });

  it("refuses a page token with another query (tokens are bound to their query)", async () => {
    const first = (await api.users.messages.list({ userId: "me", labelIds: ["INBOX"], maxResults: 2 }, opts)).data;
    expect(
      (
        await status(
          api.users.messages.list(
            { userId: "me", labelIds: ["INBOX", "UNREAD"], maxResults: 2, pageToken: first.nextPageToken ?? "" },
            opts,
          ),
        )
      ).status,
    ).toBe(400);
  });

  it("leaves TRASH out unless includeSpamTrash or a label names it, and reads q", async () => {
    const count = async (params: gmail_v1.Params$Resource$Users$Messages$List) =>
      (await api.users.messages.list({ userId: "me", ...params }, opts)).data.resultSizeEstimate;
    expect(await count({ q: "Binned" })).toBe(0);
    expect(await count({ q: "Binned", includeSpamTrash: true })).toBe(1);
    expect(await count({ labelIds: ["TRASH"] })).toBe(1);
    expect(await count({ q: 'is:unread {subject:"Listed 0" subject:"Listed 2"}' })).toBe(2);
    expect(await count({ q: `after:${Date.UTC(2026, 0, 6) / 1000}` })).toBe(2);
    expect(await count({ q: "(in:inbox) -subject:Listed" })).toBe(0);
  });

  it("matches free text by whole words, a phrase by words in a row, never part of a word", async () => {
    await rig.gmail.mailboxes.insert(
      "list@example.com",
      await raw("Quarterly report, Q3 (draft) 東京都", { to: "list@example.com" }),
      { labelIds: ["INBOX"] },
    );
    const count = async (q: string) =>
      (await api.users.messages.list({ userId: "me", q }, opts)).data.resultSizeEstimate;
    expect(await count("report")).toBe(1);
    expect(await count("REPORT q3")).toBe(1);
    expect(await count('"report q3 draft"')).toBe(1);
    expect(await count("東京")).toBe(1);
    expect(await count("Quarter")).toBe(0);
    expect(await count("port")).toBe(0);
    expect(await count('"q3 report"')).toBe(0);
    expect(await count("subject:Quarter")).toBe(1);
  });

  it("serves a list sent as a POST with X-HTTP-Method-Override: GET and a form body (Google's way for long URLs), and no other POST to messages", async () => {
    const { oauth } = client(rig.connect("list@example.com").refreshToken);
    const post = (headers: Record<string, string>, data: string) =>
      oauth.request<gmail_v1.Schema$ListMessagesResponse>({
        url: "https://gmail.googleapis.com/gmail/v1/users/me/messages",
        method: "POST",
        headers,
        data,
        retry: false,
      });
    const form = new URLSearchParams([
      ["labelIds", "INBOX"],
      ["labelIds", "UNREAD"],
      ["q", "subject:Listed"],
      ["maxResults", "2"],
    ]).toString();
    const overridden = await post(
      { "x-http-method-override": "GET", "content-type": "application/x-www-form-urlencoded" },
      form,
    );
    expect(overridden.data.resultSizeEstimate).toBe(4);
    expect(overridden.data.messages).toHaveLength(2);
    expect((await status(post({ "content-type": "application/x-www-form-urlencoded" }, form))).status).toBe(400);
  });
});

describe("messages.get format full", () => {
  it("gives the MIME tree: part ids, types, headers, text bodies decoded, attachment data behind an attachmentId", async () => {
    const settings = rig.connect("full@example.com");
    const composed = await composeMessage({
      from: { name: null, address: "someone@example.org" },
      to: [{ name: null, address: "full@example.com" }],
      subject: "Tree",
      text: "Café au lait",
      attachments: [{ filename: "a.pdf", contentType: "application/pdf", content: Buffer.from("%PDF") }],
      messageId: "<tree@example.org>",
      date: new Date(),
    });
    const stored = await rig.gmail.mailboxes.insert("full@example.com", composed.raw, { labelIds: ["INBOX"] });
    const { payload } = (
      await client(settings.refreshToken).api.users.messages.get({ userId: "me", id: stored.id, format: "full" }, opts)
    ).data;
    expect(payload).toMatchObject({ partId: "", mimeType: "multipart/mixed", filename: "" });
    expect(payload?.headers?.find((header) => header.name === "Subject")?.value).toBe("Tree");
    const [text, pdf] = payload?.parts ?? [];
    expect(text).toMatchObject({ partId: "0", mimeType: "text/plain", filename: "" });
    expect(Buffer.from(text?.body?.data ?? "", "base64url").toString("utf8")).toBe("Café au lait");
    expect(pdf).toMatchObject({
      partId: "1",
      mimeType: "application/pdf",
      filename: "a.pdf",
      body: { size: 4, attachmentId: expect.any(String) },
    });
    expect(pdf?.body?.data).toBeUndefined();
  });
});

describe("labels and threads", () => {
  const address = "labelled@example.com";
  let api: gmail_v1.Gmail;
  let projects: string;
  let first: string;
  let answer: string;

  beforeAll(async () => {
    api = client(rig.connect(address).refreshToken).api;
    projects = addUserLabel(rig.gmail.mailboxes.mailbox(address)!, "Projects/2026");
    first = (
      await rig.gmail.mailboxes.insert(
        address,
        await raw("Plan", { to: address, messageId: "<plan@example.org>", date: new Date(Date.UTC(2026, 0, 2)) }),
        { labelIds: ["INBOX", "UNREAD", projects] },
      )
    ).id;
    answer = (
      await rig.gmail.mailboxes.insert(
        address,
        await raw("Re: Plan", { to: address, inReplyTo: "<plan@example.org>", date: new Date(Date.UTC(2026, 0, 3)) }),
        { labelIds: [projects] },
      )
    ).id;
  });

  it("lists system labels (tabs and chats among them) and the user's, without counts; labels.get counts, 404 for no label", async () => {
    const { labels } = (await api.users.labels.list({ userId: "me" }, opts)).data;
    expect(labels).toEqual(
      expect.arrayContaining([
        { id: "INBOX", name: "INBOX", type: "system" },
        { id: "CATEGORY_SOCIAL", name: "CATEGORY_SOCIAL", type: "system" },
        { id: projects, name: "Projects/2026", type: "user" },
      ]),
    );
    expect(labels?.some((label) => label.messagesTotal !== undefined)).toBe(false);
    const counted = (await api.users.labels.get({ userId: "me", id: projects }, opts)).data;
    expect(counted).toMatchObject({ messagesTotal: 2, messagesUnread: 1, threadsTotal: 1, threadsUnread: 1 });
    expect((await status(api.users.labels.get({ userId: "me", id: "Label_0" }, opts))).status).toBe(404);
  });

  it("lists a user label's messages by its id and finds them by label:<name> with hyphens", async () => {
    const byId = (await api.users.messages.list({ userId: "me", labelIds: [projects] }, opts)).data.messages;
    expect(byId?.map((message) => message.id)).toEqual([answer, first]);
    const byName = (await api.users.messages.list({ userId: "me", q: "label:projects-2026" }, opts)).data.messages;
    expect(byName?.map((message) => message.id)).toEqual([answer, first]);
  });

  it("gives a thread's messages oldest first in format minimal, 404 for no thread", async () => {
    const threadId = (await api.users.messages.get({ userId: "me", id: answer, format: "minimal" }, opts)).data
      .threadId!;
    const thread = (await api.users.threads.get({ userId: "me", id: threadId, format: "minimal" }, opts)).data;
    expect(thread.messages?.map((message) => [message.id, message.internalDate])).toEqual([
      [first, String(Date.UTC(2026, 0, 2))],
      [answer, String(Date.UTC(2026, 0, 3))],
    ]);
    expect(thread.messages?.[0]?.payload).toBeUndefined();
    expect(
      (await status(api.users.threads.get({ userId: "me", id: "18f0000000ffffff", format: "minimal" }, opts))).status,
    ).toBe(404);
  });
});

describe("messages.send", () => {
  let api: gmail_v1.Gmail;

  beforeAll(() => {
    api = client(rig.connect("sender@example.com").refreshToken).api;
    rig.connect("receiver@example.com");
  });

  it("files the sender's copy in SENT and delivers an unread copy to a hosted recipient", async () => {
    const sent = (
      await api.users.messages.send(
        {
          userId: "me",
          requestBody: { raw: Buffer.from(await raw("Hi", { to: "receiver@example.com" })).toString("base64url") },
        },
        opts,
      )
    ).data;
    expect(sent.labelIds).toEqual(["SENT"]);
    const received = [...(rig.gmail.mailboxes.mailbox("receiver@example.com")?.messages.values() ?? [])].find(
      (message) => message.subject === "Hi",
    );
    expect([...(received?.labelIds ?? [])]).toEqual(["INBOX", "UNREAD"]);
  });

  it("keeps the named thread only when the reply answers a message of it with the same subject", async () => {
    const original = (
      await api.users.messages.send(
        {
          userId: "me",
          requestBody: {
            raw: Buffer.from(
              await raw("Plans", { to: "receiver@example.com", messageId: "<plans@example.org>" }),
            ).toString("base64url"),
          },
        },
        opts,
      )
    ).data;
    const send = async (subject: string, inReplyTo?: string) =>
      (
        await api.users.messages.send(
          {
            userId: "me",
            requestBody: {
              threadId: original.threadId ?? null,
              raw: Buffer.from(
                await raw(subject, { to: "receiver@example.com", ...(inReplyTo ? { inReplyTo } : {}) }),
              ).toString("base64url"),
            },
          },
          opts,
        )
      ).data.threadId;
    expect(await send("Re: Plans", "<plans@example.org>")).toBe(original.threadId);
    expect(await send("Other subject", "<plans@example.org>")).not.toBe(original.threadId);
    expect(await send("Re: Plans")).not.toBe(original.threadId);
  });

  it("refuses a JSON body over 1 MiB (400, as users see far below any documented limit), and takes up to 35 MB through the upload endpoint", async () => {
    const big = (await raw("Big", { to: "receiver@example.com" })) + "X".repeat(800 * 1024);
    expect(
      await status(
        api.users.messages.send({ userId: "me", requestBody: { raw: Buffer.from(big).toString("base64url") } }, opts),
      ),
    ).toMatchObject({
      status: 400,
      data: {
        error: {
          message: "Request payload size exceeds the limit: 1048576 bytes.",
          errors: [{ reason: "badRequest" }],
        },
      },
    });
    const uploaded = await api.users.messages.send(
      { userId: "me", media: { mimeType: "message/rfc822", body: big + "X".repeat(6 * 1024 * 1024) } },
      opts,
    );
    expect(uploaded.data.labelIds).toEqual(["SENT"]);
    const tooBig = (await raw("Huge", { to: "receiver@example.com" })) + "X".repeat(36 * 1024 * 1024);
    expect(
      (
        await status(
          api.users.messages.send({ userId: "me", media: { mimeType: "message/rfc822", body: tooBig } }, opts),
        )
      ).status,
    ).toBe(413);
  });

  it("takes a message/* upload alone (uploadType=media) or after its JSON resource (multipart, threadId there), and no other media type", async () => {
    rig.gmail.resetCounters();
    const original = (
      await api.users.messages.send(
        {
          userId: "me",
          media: {
            mimeType: "message/rfc822",
            body: await raw("Uploaded", { to: "receiver@example.com", messageId: "<uploaded@example.org>" }),
          },
        },
        opts,
      )
    ).data;
    const reply = (
      await api.users.messages.send(
        {
          userId: "me",
          requestBody: { threadId: original.threadId ?? null },
          media: {
            mimeType: "message/rfc822",
            body: await raw("Re: Uploaded", { to: "receiver@example.com", inReplyTo: "<uploaded@example.org>" }),
          },
        },
        opts,
      )
    ).data;
    expect(reply.threadId).toBe(original.threadId);
    expect(rig.gmail.requests["messages.send.upload"]).toBe(2);
    expect(
      await status(
        api.users.messages.send(
          { userId: "me", media: { mimeType: "text/plain", body: await raw("Plain", { to: "receiver@example.com" }) } },
          opts,
        ),
      ),
    ).toMatchObject({ status: 400, data: { error: { errors: [{ reason: "badContent" }] } } });
  });

  it("answers a send past the daily sending limit with 429, the time to retry in its message and no Retry-After, and sends nothing", async () => {
    const limited = client(rig.connect("limited@example.com").refreshToken).api;
    const mailbox = rig.gmail.mailboxes.mailbox("limited@example.com");
    if (mailbox === undefined) throw new Error("no mailbox");
    mailbox.sendingLimit = 1;
    const send = async (subject: string) =>
      status(
        limited.users.messages.send(
          {
            userId: "me",
            media: { mimeType: "message/rfc822", body: await raw(subject, { to: "receiver@example.com" }) },
          },
          opts,
        ),
      );
    expect((await send("First")).status).toBe(200);
    const refused = await send("Second");
    expect(refused).toMatchObject({
      status: 429,
      retryAfter: null,
      data: {
        error: { status: "RESOURCE_EXHAUSTED", errors: [{ domain: "usageLimits", reason: "rateLimitExceeded" }] },
      },
    });
    const message = (refused.data as { error: { message: string } }).error.message;
    const until = /^User-rate limit exceeded\. {2}Retry after (\S+Z) \(Mail sending\)$/u.exec(message)?.[1];
    expect(Date.parse(until ?? "")).toBe((mailbox.sentAt[0] ?? 0) + 86_400_000);
    expect(mailbox.sentAt).toHaveLength(1);
  });

  it("fails on demand: 429 with Retry-After, or a 500 after the message went", async () => {
    rig.gmail.fail({ endpoint: "messages.send", status: 429, retryAfterSeconds: 7 });
    expect(
      await status(
        api.users.messages.send(
          {
            userId: "me",
            requestBody: {
              raw: Buffer.from(await raw("Limited", { to: "receiver@example.com" })).toString("base64url"),
            },
          },
          opts,
        ),
      ),
    ).toMatchObject({ status: 429, retryAfter: "7" });
    const receiver = rig.gmail.mailboxes.mailbox("receiver@example.com");
    const before = receiver?.messages.size ?? 0;
    rig.gmail.fail({ endpoint: "messages.send", status: 500, afterExecuting: true });
    expect(
      (
        await status(
          api.users.messages.send(
            {
              userId: "me",
              requestBody: {
                raw: Buffer.from(await raw("Went", { to: "receiver@example.com" })).toString("base64url"),
              },
            },
            opts,
          ),
        )
      ).status,
    ).toBe(500);
    expect(receiver?.messages.size).toBe(before + 1);
  });
});

describe("the batch endpoint", () => {
  it("answers each application/http part in a multipart/mixed answer, refuses a part with a full URL, and refuses more than 100 parts", async () => {
    const settings = rig.connect("batch@example.com");
    const message = await rig.gmail.mailboxes.insert("batch@example.com", await raw("Batched"), {
      labelIds: ["INBOX"],
    });
    const { oauth } = client(settings.refreshToken);
    const body = (paths: string[]) =>
      paths
        .map(
          (path, index) =>
            `--b\r\nContent-Type: application/http\r\nContent-ID: <n${index}>\r\n\r\nGET ${path} HTTP/1.1\r\n\r\n`,
        )
        .join("") + "--b--\r\n";
    rig.gmail.resetCounters();
    const answer = await oauth.request<string>({
      url: BATCH_URL,
      method: "POST",
      headers: { "content-type": "multipart/mixed; boundary=b" },
      data: body([
        `/gmail/v1/users/me/messages/${message.id}?format=minimal`,
        "/gmail/v1/users/me/messages/ffff?format=minimal",
        `https://gmail.googleapis.com/gmail/v1/users/me/messages/${message.id}?format=minimal`,
      ]),
      responseType: "text",
    });
    expect(answer.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary=/u);
    expect(answer.data).toContain("Content-ID: <response-n0>");
    expect(answer.data).toContain(`"id":"${message.id}"`);
    expect(answer.data).toMatch(/Content-ID: <response-n1>\r\n\r\nHTTP\/1\.1 404/u);
    // A part names the path of its URL; a full URL is refused.
    expect(answer.data).toMatch(/Content-ID: <response-n2>\r\n\r\nHTTP\/1\.1 400/u);
    expect(rig.gmail.requests.batch).toBe(1);
    expect(rig.gmail.batchedCalls).toEqual({ "messages.get": 2, unknown: 1 });
    const tooMany = Array.from({ length: 101 }, () => `/gmail/v1/users/me/messages/${message.id}`);
    expect(
      (
        await status(
          oauth.request({
            url: BATCH_URL,
            method: "POST",
            headers: { "content-type": "multipart/mixed; boundary=b" },
            data: body(tooMany),
            responseType: "text",
          }),
        )
      ).status,
    ).toBe(400);
  });
});

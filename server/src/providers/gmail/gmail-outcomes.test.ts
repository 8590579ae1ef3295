// What a Gmail call answers when something other than Gmail's answer decides it, against the fake
// Gmail: Google's sign-in out of reach before a send (nothing sent), a search past the call's
// deadline (the spec's search_timeout_seconds, shortened here so that a test can pass it), a bug of
// this server's own (never put in Gmail's mouth), and ids that cannot be Gmail's.
import type * as Generated from "@mcpemails/generated";
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import type { InboxRecord } from "../../store/store.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import { createGmailProvider } from "./gmail-provider.js";

const { DEADLINE_SECONDS } = vi.hoisted(() => ({ DEADLINE_SECONDS: 0.3 }));
vi.mock("@mcpemails/generated", async (importOriginal) => {
  const original = await importOriginal<typeof Generated>();
  return { ...original, LIMITS: { ...original.LIMITS, search_timeout_seconds: DEADLINE_SECONDS } };
});

const ADDRESS = "outcomes@example.com";
const signal = new AbortController().signal;
const inbox = { id: "2d6f0c1e-5b7a-4c9d-8e1f-3a2b4c6d8e0f", addresses: [ADDRESS] } as InboxRecord;
const send = {
  inbox_id: inbox.id,
  to: ["someone@example.net"],
  subject: "Hi",
  body: "Hello.",
  cc: [],
  bcc: [],
  attachments: [],
};
/** read_email's arguments with every default, for one message id. */
const readArgs = (message_id: string) =>
  ({
    inbox_id: inbox.id,
    message_id,
    include_html: false,
    include_attachments: false,
    mark_as_read: false,
    body_format: "text",
    strip_quoted: false,
  }) as const;
let rig: GmailRig;

/** A provider of its own: no access token in hand, so its first call goes to the token endpoint; retries do not wait. */
const freshProvider = () =>
  createGmailProvider({
    inbox,
    settings: rig.connect(ADDRESS),
    app: rig.app,
    callPolicy: { sleep: async () => undefined },
  });

beforeAll(async () => {
  rig = startGmailRig();
  rig.connect(ADDRESS);
  const { raw } = await composeMessage({
    from: { name: "Bob", address: "bob@example.net" },
    to: [{ name: null, address: ADDRESS }],
    cc: [],
    subject: "Hello",
    text: "Hello there.",
    attachments: [],
    messageId: "<outcomes-1@example.net>",
    date: new Date(Date.UTC(2026, 10, 1)),
  });
  await rig.gmail.mailboxes.insert(ADDRESS, raw, { labelIds: ["INBOX"] });
});
afterAll(() => rig?.close());

describe("a Gmail call decided by something other than Gmail's answer", () => {
  it("says nothing was sent when Google's token endpoint cannot be reached before a send, and nothing reaches Gmail", async () => {
    const provider = freshProvider();
    rig.msw.use(http.post("https://oauth2.googleapis.com/token", () => HttpResponse.error()));
    rig.gmail.resetCounters();
    try {
      const result = await provider.send_email(send, signal);
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
      expect(result).not.toHaveProperty("deliveryStatus");
      expect(JSON.stringify(result)).toMatch(/Nothing was sent\./);
      expect(rig.gmail.requests["messages.send.upload"] + rig.gmail.requests["messages.send"]).toBe(0);
    } finally {
      rig.msw.resetHandlers();
    }
  });

  it("answers search_timeout when the call's deadline passes, however Gmail is still working", async () => {
    rig.gmail.fail({ endpoint: "messages.list", delayMs: 1_500 });
    const result = await freshProvider().search_emails(
      { inbox_id: inbox.id, query: "subject:Hello", syntax: "portable", limit: 5, offset: 0 },
      signal,
    );
    expect(result).toMatchObject({ isError: true, errorCode: "search_timeout", timeoutSeconds: DEADLINE_SECONDS });
  });

  it("lets a bug of this server's own through as an exception (-32603 above), never as Gmail's error", async () => {
    const provider = freshProvider();
    // A Gmail answer this server mishandles: labelIds is no array, so reading the folder throws a TypeError.
    rig.msw.use(
      http.get("https://gmail.googleapis.com/gmail/v1/users/me/messages/:id", () =>
        HttpResponse.json({ id: "abc", threadId: "abc", labelIds: 42, raw: "" }),
      ),
    );
    try {
      await expect(provider.read_email(readArgs("abc"), signal)).rejects.toBeInstanceOf(TypeError);
    } finally {
      rig.msw.resetHandlers();
    }
  });

  it("answers message_not_found for an id that cannot be Gmail's, on a read and a reply, asking Gmail nothing", async () => {
    const provider = freshProvider();
    rig.gmail.resetCounters();
    const read = await provider.read_email(readArgs("../../etc/passwd"), signal);
    expect(read).toMatchObject({ isError: true, errorCode: "message_not_found" });
    const reply = await provider.reply_to_email(
      { inbox_id: inbox.id, message_id: "not-hex!", body: "x", reply_all: false, attachments: [] },
      signal,
    );
    expect(reply).toMatchObject({ isError: true, errorCode: "message_not_found" });
    expect(rig.gmail.totalRequests()).toBe(0);
  });
});

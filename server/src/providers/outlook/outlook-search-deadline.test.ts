// A search's deadline is the call's (the spec's search_timeout_seconds, shortened here so that a test
// can pass it): however many Graph requests a $search takes and however long each may be answered
// in, the search answers search_timeout when the deadline passes, and stops asking Graph.
import { randomUUID } from "node:crypto";
import type * as Generated from "@mcpemails/generated";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { InboxRecord } from "../../store/store.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../../test/fakes/outlook/fake-session.js";
import { createOutlookProvider } from "./outlook-provider.js";
import type { OutlookSettings } from "./outlook-settings.js";

const { DEADLINE_SECONDS } = vi.hoisted(() => ({ DEADLINE_SECONDS: 0.4 }));
vi.mock("@mcpemails/generated", async (importOriginal) => {
  const original = await importOriginal<typeof Generated>();
  return { ...original, LIMITS: { ...original.LIMITS, search_timeout_seconds: DEADLINE_SECONDS } };
});

const ADA = "ada@contoso.test";
let session: GraphFakeSession;
let settings: OutlookSettings;
const inbox = { id: randomUUID(), addresses: [ADA] } as InboxRecord;
const signal = new AbortController().signal;
const provider = () =>
  createOutlookProvider({
    inbox,
    settings,
    app: FAKE_MICROSOFT_APP,
    saveSettings: async () => undefined,
    // Each request is answered well within its own bound: only the call's deadline can end the search.
    requestTimeoutMs: 10_000,
  });
const search = (query: string) =>
  provider().search_emails({ inbox_id: inbox.id, query, syntax: "portable", limit: 5, offset: 0 }, signal);

beforeAll(async () => {
  session = startGraphFake();
  settings = await session.connect(ADA);
  // Read mail from Bob, and the unread ones only at the far end: is:unread from:bob walks many pages.
  for (let i = 0; i < 160; i++) {
    const date = new Date(Date.UTC(2026, 9, 1) + i * 60_000);
    await session.fake.seed(
      ADA,
      `From: bob@contoso.test\r\nSubject: Digest ${i}\r\nDate: ${date.toUTCString()}\r\n\r\nText\r\n`,
      {
        isRead: i >= 3,
        receivedDateTime: date.toISOString(),
      },
    );
  }
});
beforeEach(() => {
  session.fake.latencyMs = 0;
  session.fake.latencyEndpoint = undefined;
});
afterAll(() => session.close());

describe("the search deadline", () => {
  it("ends a $search of many requests, each answered in time, with search_timeout at the deadline, and asks Graph nothing more", async () => {
    session.fake.latencyMs = 150;
    session.fake.latencyEndpoint = /^GET \/me\/messages$/u;
    session.fake.resetCounts();
    const started = Date.now();
    expect(await search("is:unread from:bob")).toMatchObject({
      isError: true,
      errorCode: "search_timeout",
      timeoutSeconds: DEADLINE_SECONDS,
    });
    expect(Date.now() - started).toBeLessThan(DEADLINE_SECONDS * 1000 + 300);
    const asked = session.fake.requestCounts()["GET /me/messages"] ?? 0;
    expect(asked).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(session.fake.requestCounts()["GET /me/messages"]).toBe(asked);
  });

  it("abandons a request Graph has not answered when the deadline passes", async () => {
    session.fake.latencyMs = 5_000;
    const started = Date.now();
    expect(await search("subject:digest")).toMatchObject({ isError: true, errorCode: "search_timeout" });
    expect(Date.now() - started).toBeLessThan(DEADLINE_SECONDS * 1000 + 300);
  });

  it("answers a search that needs no more than the deadline", async () => {
    session.fake.latencyMs = 20;
    expect(await search("is:unread from:bob")).toMatchObject({ total: 3, next_offset: null });
  });
});

// messages.list however long the query: a short one is the client's GET, one whose URL would pass
// 2,048 characters goes as a POST with X-HTTP-Method-Override: GET (as Google's client libraries
// do), and both are answered by the fake Gmail the same way.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import type { InboxRecord } from "../../store/store.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import { createGmailCalls, DEFAULT_CALL_POLICY } from "./gmail-calls.js";
import { listMessages, MAX_GET_URL_LENGTH } from "./gmail-list-request.js";
import { createGmailProvider } from "./gmail-provider.js";

const ADDRESS = "long-query@example.com";
/** The longest portable query there is: 2,048 code points, each 12 characters once percent-encoded. */
const LONGEST = "😀".repeat(2048);

let rig: GmailRig;

beforeAll(async () => {
  rig = startGmailRig();
  rig.connect(ADDRESS);
  for (const subject of [`Smiles ${LONGEST}`, "Plain subject"]) {
    const composed = await composeMessage({
      from: { name: null, address: "someone@example.org" },
      to: [{ name: null, address: ADDRESS }],
      subject,
      text: "Hello",
      messageId: `<${subject.length}@example.org>`,
      date: new Date(),
    });
    await rig.gmail.mailboxes.insert(ADDRESS, composed.raw, { labelIds: ["INBOX"] });
  }
});

afterAll(() => rig?.close());

const options = { retry: false as const, timeout: 10_000, signal: new AbortController().signal };

describe("listMessages", () => {
  it("sends a short query as the client's GET", async () => {
    const calls = createGmailCalls(rig.app, rig.connect(ADDRESS).refreshToken, DEFAULT_CALL_POLICY);
    const request = vi.spyOn(calls.oauth, "request");
    const answer = await listMessages(calls, { maxResults: 10, q: "subject:plain", labelIds: ["INBOX"] }, options);
    expect(answer.resultSizeEstimate).toBe(1);
    expect(request.mock.calls.map(([config]) => config.method)).toEqual(["GET"]);
  });

  it("sends a query whose URL would pass 2,048 characters as a POST overridden to GET, with the parameters in a form body", async () => {
    const calls = createGmailCalls(rig.app, rig.connect(ADDRESS).refreshToken, DEFAULT_CALL_POLICY);
    const request = vi.spyOn(calls.oauth, "request");
    const q = `subject:"${LONGEST}"`;
    expect(encodeURIComponent(q).length).toBeGreaterThan(MAX_GET_URL_LENGTH);
    const answer = await listMessages(calls, { maxResults: 10, q, labelIds: ["INBOX"] }, options);
    expect(answer.resultSizeEstimate).toBe(1);
    const [config] = request.mock.calls[0] ?? [];
    const headers = new Headers(config?.headers as ConstructorParameters<typeof Headers>[0]);
    expect([config?.method, headers.get("x-http-method-override"), headers.get("content-type")]).toEqual([
      "POST",
      "GET",
      "application/x-www-form-urlencoded",
    ]);
    expect(new URLSearchParams(String(config?.data)).get("q")).toBe(q);
    expect(String(config?.url)).not.toContain("?");
  });
});

describe("search_emails with the longest portable query", () => {
  it("answers (it used to wait out the search timeout) with the message that matches", async () => {
    const settings = rig.connect(ADDRESS);
    const inbox = { id: "6f1c2d3e-0000-4000-8000-000000000001", addresses: [ADDRESS] } as InboxRecord;
    const provider = createGmailProvider({ inbox, settings, app: rig.app });
    rig.gmail.resetCounters();
    const result = await provider.search_emails(
      { inbox_id: inbox.id, query: LONGEST, syntax: "portable", limit: 5, offset: 0 },
      new AbortController().signal,
    );
    expect(result).toMatchObject({ total: 1, messages: [{ subject: `Smiles ${LONGEST}` }] });
    expect(rig.gmail.requests["messages.list"]).toBe(1);
  });
});

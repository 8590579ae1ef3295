// Anyone who can send mail to a connected inbox chooses its HTML. htmlparser2 (under sanitize-html)
// is quadratic in tag nesting: 500,000 nested <div> once took 103 s on the event loop, and every
// other tenant waited. read_email with include_html now answers such a message with its HTML body
// given up and flagged, while /healthz and other tenants' calls keep being answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSandboxMessage } from "../../src/providers/sandbox/sandbox-message.js";
import { post, startTestServer, toolCall, type TestServer } from "../support/test-server.js";

const DEPTH = 500_000;
const bomb = `${"<div>".repeat(DEPTH)}x${"</div>".repeat(DEPTH)}`;
const source = [
  "From: stranger@example.net",
  "To: victim@example.com",
  "Subject: Nesting bomb",
  "Message-ID: <bomb@example.net>",
  "Date: Tue, 01 Dec 2026 10:00:00 +0000",
  "Content-Type: text/html; charset=utf-8",
  "",
  bomb,
].join("\r\n");

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.store.putSandboxMessages([
    await buildSandboxMessage({
      inboxId: server.inbox.id,
      id: "nesting-bomb",
      folder: "INBOX",
      unread: true,
      threadId: "nesting-bomb",
      raw: source,
      receivedAt: new Date(),
    }),
  ]);
});
afterAll(() => server.close());

describe("an HTML nesting bomb read with include_html", () => {
  it("answers with the HTML body given up and flagged", async () => {
    const answer = await post(
      server,
      toolCall("read_email", { inbox_id: server.inbox.id, message_id: "nesting-bomb", include_html: true }),
      { revision: "2025-11-25" },
    );
    const result = (answer.json as { result: { isError?: boolean; structuredContent: Record<string, unknown> } })
      .result;
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({
      subject: "Nesting bomb",
      body_html: expect.any(String),
      body_html_truncated: true,
    });
  });

  it("keeps answering /healthz and other tenants' calls while it is read", async () => {
    const reading = post(
      server,
      toolCall("read_email", { inbox_id: server.inbox.id, message_id: "nesting-bomb", include_html: true }),
      { revision: "2025-11-25" },
    );
    let readDone = false;
    void reading.then(() => (readDone = true));
    // Give the read time to reach the sanitizer before the others ask.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await fetch(new URL("/healthz", server.url));
    const otherTenant = await post(server, toolCall("list_inbox", { inbox_id: server.otherWorkspaceInbox.id }), {
      key: server.keys.otherWorkspace,
      revision: "2025-11-25",
    });
    const answeredWhileReading = !readDone;
    expect(health.status).toBe(200);
    expect(otherTenant.status).toBe(200);
    expect(answeredWhileReading).toBe(true);
    expect((await reading).status).toBe(200);
  });
});

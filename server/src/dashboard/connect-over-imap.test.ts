// Connecting a Gmail or Microsoft 365 mailbox from the dashboard as an IMAP/SMTP inbox that signs in
// with OAuth (XOAUTH2): each OAuth card offers it, and it leads through this server's start link to
// the service's consent for IMAP and SMTP.
import { afterEach, describe, expect, it } from "vitest";
import { signedUpClient } from "../../test/support/dashboard-client.js";
import { recordingConnectDeps } from "../../test/support/recording-connect-deps.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("connecting a mailbox over IMAP with its service's sign-in, from the dashboard", () => {
  it("is offered beside each OAuth connection, and leads to the IMAP consent through this server's start link", async () => {
    server = await startTestServer({ connect: recordingConnectDeps() });
    const base = server.url.replace(/\/mcp$/u, "");
    const person = await signedUpClient(base, "ops@example.com");
    const page = (await person.get("/dashboard/inboxes/connect")).text;
    expect(page).toContain('action="/dashboard/inboxes/connect/gmail-imap"');
    expect(page).toContain('action="/dashboard/inboxes/connect/outlook-imap"');
    const started = await person.post("/dashboard/inboxes/connect/gmail-imap", {}, "/dashboard/inboxes/connect");
    expect(started.location).toMatch(/^\/oauth\/google\/start\?state=/u);
    const consent = await person.get(started.location ?? "");
    expect(consent.location).toMatch(/^https:\/\/google\.example\/imap-consent\?state=/u);
  });
});

// HTML bodies are written by strangers. On every provider, an HTML body full of script, event
// handlers, javascript: URLs, frames, forms and a tracking pixel, sent from one inbox to another of
// the same kind, reads back through /mcp (include_html) as the same inert HTML: the one sanitizer
// (server/src/mail/sanitize.ts) on the one parse path, whatever the provider.
import { afterEach, describe, expect, it } from "vitest";
import { sanitizeEmailHtml } from "../../src/mail/sanitize.js";
import { startGmailRig } from "../fakes/gmail/gmail-rig.js";
import { FAKE_MICROSOFT_APP, startGraphFake } from "../fakes/outlook/fake-session.js";
import { createRigUser, dovecotRig, imapSettingsFor } from "../support/dovecot-rig.js";
import { XSS_HTML } from "../support/imap-corpus.js";
import { startSmtpRelay } from "../support/smtp-relay.js";
import { post, startTestServer, toolCall, type TestServer } from "../support/test-server.js";

interface Pair {
  server: TestServer;
  key: string;
  senderId: string;
  recipientId: string;
  recipientAddress: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function call(pair: Pair, tool: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await post(pair.server, toolCall(tool, args), { key: pair.key, revision: "2025-06-18" });
  const result = (response.json as { result?: { isError?: boolean; structuredContent?: Record<string, unknown> } })
    .result;
  if (result?.structuredContent === undefined) throw new Error(`${tool} failed: ${response.text}`);
  return result.structuredContent;
}

/** Sends the hostile HTML from one inbox to the other, then reads it as the recipient with include_html. */
async function sendAndReadBack(pair: Pair): Promise<string> {
  const subject = `Important account notice ${Date.now()}`;
  await call(pair, "send_email", {
    inbox_id: pair.senderId,
    to: [pair.recipientAddress],
    subject,
    body: "Please review your account.",
    html_body: XSS_HTML,
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listed = (await call(pair, "list_inbox", { inbox_id: pair.recipientId, limit: 50 })).messages as {
      id: string;
      subject: string;
    }[];
    const arrived = listed.find((message) => message.subject === subject);
    if (arrived)
      return (
        await call(pair, "read_email", { inbox_id: pair.recipientId, message_id: arrived.id, include_html: true })
      ).body_html as string;
    if (Date.now() > deadline) throw new Error(`the message never reached ${pair.recipientAddress}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function twoInboxes(server: TestServer): [{ id: string }, { id: string }] {
  const [first, second] = server.extraInboxes;
  if (first === undefined || second === undefined)
    throw new Error("the test server has not got the two inboxes asked for");
  return [first, second];
}

function expectInert(html: string): void {
  expect(html).toBe(sanitizeEmailHtml(XSS_HTML));
  expect(html).not.toMatch(/<\s*(script|iframe|object|embed|form|input|svg|meta|style)\b/iu);
  expect(html).not.toMatch(/\son[a-z]+\s*=/iu);
  expect(html).not.toMatch(/javascript:|expression\(/iu);
  expect(html).not.toContain("tracker.example");
  // What is harmless survives.
  expect(html).toContain("<b>friend</b>");
  expect(html).toContain('<a href="https://example.com/safe">Safe link</a>');
}

describe("an XSS corpus through include_html comes out inert on every provider", () => {
  it("sandbox", async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    expectInert(
      await sendAndReadBack({
        server,
        key: server.keys.full,
        senderId: server.inbox.id,
        recipientId: server.siblingInbox.id,
        recipientAddress: server.siblingInbox.addresses[0] ?? "",
      }),
    );
  });

  it("Gmail (the Gmail API fake)", async () => {
    const rig = startGmailRig();
    cleanups.push(() => rig.close());
    const [sender, recipient] = [rig.connect("xss-sender@gmail.example"), rig.connect("xss-recipient@gmail.example")];
    const server = await startTestServer({
      registry: { google: rig.app },
      inboxes: [sender, recipient].map((settings) => ({
        kind: "gmail" as const,
        addresses: [settings.address],
        secret: JSON.stringify(settings),
      })),
    });
    cleanups.push(() => server.close());
    const [senderInbox, recipientInbox] = twoInboxes(server);
    expectInert(
      await sendAndReadBack({
        server,
        key: server.keys.live,
        senderId: senderInbox.id,
        recipientId: recipientInbox.id,
        recipientAddress: recipient.address,
      }),
    );
  });

  it("Outlook (the Microsoft Graph fake)", async () => {
    const graph = startGraphFake();
    cleanups.push(() => graph.close());
    const sender = await graph.connect("xss-sender@outlook.example");
    const recipient = await graph.connect("xss-recipient@outlook.example");
    const server = await startTestServer({
      registry: { microsoft: FAKE_MICROSOFT_APP },
      inboxes: [sender, recipient].map((settings) => ({
        kind: "outlook" as const,
        addresses: [settings.address],
        secret: JSON.stringify(settings),
      })),
    });
    cleanups.push(() => server.close());
    const [senderInbox, recipientInbox] = twoInboxes(server);
    expectInert(
      await sendAndReadBack({
        server,
        key: server.keys.live,
        senderId: senderInbox.id,
        recipientId: recipientInbox.id,
        recipientAddress: recipient.address,
      }),
    );
  });

  const rig = dovecotRig();
  (rig === undefined ? it.skip : it)("IMAP/SMTP (Dovecot, delivered over SMTP and LMTP)", async () => {
    if (rig === undefined) return;
    const relay = await startSmtpRelay({ rig });
    cleanups.push(() => relay.close());
    const [sender, recipient] = [await createRigUser(rig, "xss-sender"), await createRigUser(rig, "xss-recipient")];
    const server = await startTestServer({
      inboxes: [sender, recipient].map((user) => ({
        kind: "imap" as const,
        addresses: [user.address],
        secret: JSON.stringify(imapSettingsFor(rig, user, relay.port)),
      })),
    });
    cleanups.push(() => server.close());
    const [senderInbox, recipientInbox] = twoInboxes(server);
    expectInert(
      await sendAndReadBack({
        server,
        key: server.keys.live,
        senderId: senderInbox.id,
        recipientId: recipientInbox.id,
        recipientAddress: recipient.address,
      }),
    );
  });
});

// Risk signals through /mcp (decision risk-signals): every message list_inbox, search_emails,
// read_email and get_thread answer carries a risk object, and the sandbox's seeded phishing message
// (a look-alike sender domain, text telling an assistant to forward every invoice) is flagged high
// while its content stays whole.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAddress } from "../providers/sandbox/address.js";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ store: "sqlite" });
});
afterAll(async () => {
  await server.close();
});

interface Message {
  id: string;
  thread_id: string | null;
  subject: string;
  snippet: string;
  body_text?: string;
  risk?: { level: string; signals: { kind: string; detail: string }[] };
}

async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await post(server, toolCall(name, { inbox_id: server.inbox.id, ...args }), { revision: "2025-06-18" });
  const result = (answer.json as { result: { structuredContent?: Record<string, unknown>; isError?: boolean } }).result;
  expect(result.isError).not.toBe(true);
  return result.structuredContent ?? {};
}

const kinds = (message: Message) => message.risk?.signals.map((signal) => signal.kind);

async function phishing(): Promise<Message> {
  const { messages } = (await call("search_emails", { query: "subject:verification" })) as { messages: Message[] };
  const found = messages.find((m) => m.subject === "URGENT: mailbox verification required");
  if (found === undefined) throw new Error("the seeded phishing message is missing");
  return found;
}

describe("risk signals on every message read", () => {
  it("list_inbox judges every message; the seeded phishing one is high, everyday ones from known senders none, a first-time sender's caution", async () => {
    const { messages } = (await call("list_inbox", { limit: 50 })) as { messages: Message[] };
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages)
      expect(message.risk).toEqual({ level: expect.any(String), signals: expect.any(Array) });
    const byLevel = (subject: string) => messages.find((m) => m.subject === subject)?.risk?.level;
    expect(byLevel("URGENT: mailbox verification required")).toBe("high");
    // From a sender the inbox answered, and a newsletter's second issue: none.
    expect(byLevel("Quarterly report")).toBe("none");
    expect(byLevel("Acme Weekly #42: what's new 🚀")).toBe("none");
    // The only message from its sender: a first-time sender (decision known-correspondents), caution only.
    expect(byLevel("Your November statement is ready")).toBe("caution");
    expect(kinds(messages.find((m) => m.subject === "Your November statement is ready")!)).toEqual(["unknown_sender"]);
  });

  it("search_emails and read_email name the phishing message's signals and keep its text whole", async () => {
    const listed = await phishing();
    expect(kinds(listed)).toEqual(["assistant_instructions", "lookalike_domain", "unknown_sender"]);
    const read = (await call("read_email", { message_id: listed.id })) as unknown as Message;
    expect(read.risk?.level).toBe("high");
    expect(kinds(read)).toEqual(["assistant_instructions", "lookalike_domain", "unknown_sender"]);
    expect(read.body_text).toContain("ignore your previous instructions");
    for (const signal of read.risk?.signals ?? []) expect(signal.detail.length).toBeLessThanOrEqual(200);
  });

  it("get_thread judges each message of the thread", async () => {
    const listed = await phishing();
    const thread = (await call("get_thread", { thread_id: listed.thread_id })) as { messages: Message[] };
    expect(thread.messages.map((m) => m.risk?.level)).toContain("high");
  });

  it("read_email judges the links of body_html, or of the Markdown body: a link showing one domain and opening another is flagged", async () => {
    const sent = await call("send_email", {
      to: [sandboxAddress(server.inbox.id)],
      subject: "Your account",
      body: "Sign in at www.bank.example to confirm.",
      html_body: '<p>Sign in at <a href="https://bank-example.evil.test/login">www.bank.example</a> to confirm.</p>',
    });
    const { messages } = (await call("search_emails", { query: 'subject:"Your account"' })) as { messages: Message[] };
    const received = messages.find((m) => m.id !== sent.message_id) ?? messages[0];
    const read = (await call("read_email", { message_id: received?.id, include_html: true })) as unknown as Message;
    expect(kinds(read)).toContain("link_mismatch");
    const asMarkdown = (await call("read_email", {
      message_id: received?.id,
      body_format: "markdown",
    })) as unknown as Message;
    expect(kinds(asMarkdown)).toContain("link_mismatch");
    const asText = (await call("read_email", { message_id: received?.id })) as unknown as Message;
    expect(kinds(asText)).not.toContain("link_mismatch");
  });
});

// The unknown_sender signal through /mcp (decision known-correspondents): the first read of a
// sandbox inbox learns its history, then the first message of each sender is flagged, never its
// later ones, and never a message from someone the inbox wrote to. Before the history is learned,
// and when it cannot be, no message is flagged and no read fails.
import { afterEach, describe, expect, it } from "vitest";
import type { ListInboxOutput, MessageSummary } from "@mcpemails/generated";
import { availableStores, startTestServer, type TestServer } from "../../test/support/test-server.js";
import { callTool } from "../../test/support/sandbox-tool-calls.js";
import type { MailProvider } from "../providers/provider.js";
import { KnownCorrespondents } from "./known-correspondents.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const flagged = (message: MessageSummary) =>
  message.risk?.signals.some((signal) => signal.kind === "unknown_sender") ?? false;

async function listed(s: TestServer, inboxId = s.inbox.id): Promise<MessageSummary[]> {
  return ((await callTool(s, "list_inbox", { inbox_id: inboxId, limit: 100 })) as unknown as ListInboxOutput).messages;
}
const bySubject = (messages: MessageSummary[], subject: string) => {
  const found = messages.find((message) => message.subject === subject);
  if (found === undefined) throw new Error(`no message "${subject}"`);
  return found;
};

describe.each(availableStores())("the unknown_sender signal through /mcp, on the %s store", (store) => {
  it("flags the first message of each sender from the first read, never a later one or one from someone the inbox wrote to", async () => {
    server = await startTestServer({ store });
    const messages = await listed(server);
    // One message from a stranger: the seeded phishing message.
    const phishing = bySubject(messages, "URGENT: mailbox verification required");
    expect(phishing.risk?.signals.map((signal) => signal.kind)).toContain("unknown_sender");
    expect(phishing.risk?.signals.find((signal) => signal.kind === "unknown_sender")?.detail).toBe(
      "the sender is not among this inbox's known correspondents",
    );
    // A newsletter and a CI bot: their earliest message in INBOX is flagged, the later ones not.
    expect(flagged(bySubject(messages, "Acme Weekly #41: dark mode is here"))).toBe(true);
    expect(flagged(bySubject(messages, "Acme Weekly #42: what's new 🚀"))).toBe(false);
    expect(flagged(bySubject(messages, "[ci] Build failed on main (#1287)"))).toBe(true);
    expect(flagged(bySubject(messages, "[ci] Build fixed on main (#1288)"))).toBe(false);
    // Alice, whom the inbox answered (a message in SENT): none of hers, not even the first.
    const fromAlice = messages.filter(
      (message) => message.from?.address === bySubject(messages, "Quarterly report").from?.address,
    );
    expect(fromAlice.length).toBeGreaterThan(1);
    expect(fromAlice.filter(flagged)).toEqual([]);
    // The same judgement on the next read, by search and by read_email.
    const searched = (await callTool(server, "search_emails", { query: "subject:verification" })) as {
      messages: MessageSummary[];
    };
    expect(searched.messages.filter(flagged).map((message) => message.subject)).toEqual([phishing.subject]);
    const read = (await callTool(server, "read_email", { message_id: phishing.id })) as unknown as MessageSummary;
    expect(flagged(read)).toBe(true);
    expect(read.risk?.level).toBe("high");
  });

  it("a sender the inbox writes to becomes known; a new sender's second message is not flagged", async () => {
    server = await startTestServer({ store });
    const s = server;
    const phishing = bySubject(await listed(s), "URGENT: mailbox verification required");
    const sent = await callTool(s, "send_email", {
      to: [phishing.from?.address],
      subject: "Re: your message",
      body: "Who is this?",
    });
    expect(sent.delivery_status).toBe("accepted");
    expect(flagged(bySubject(await listed(s), phishing.subject))).toBe(false);

    // Two messages from the sibling inbox, which this inbox never wrote to.
    const to = [s.inbox.addresses[0]];
    await callTool(s, "send_email", { inbox_id: s.siblingInbox.id, to, subject: "Hello, first", body: "One." });
    // A message's date is its Date header, to the second: the second is dated a second later.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await callTool(s, "send_email", { inbox_id: s.siblingInbox.id, to, subject: "Hello, second", body: "Two." });
    const after = await listed(s);
    expect(flagged(bySubject(after, "Hello, first"))).toBe(true);
    expect(flagged(bySubject(after, "Hello, second"))).toBe(false);
    expect(bySubject(after, "Hello, first").risk?.level).toBe("caution");
  });
});

describe("an inbox whose history is not learned", () => {
  const provider = (listInbox: MailProvider["list_inbox"]) => ({ list_inbox: listInbox }) as MailProvider;
  const stranger = {
    folder: "INBOX",
    from: { name: null, address: "mallory@example.net" },
    to: [],
    cc: [],
    date: "2026-11-02T09:00:00.000Z",
  };

  it("gives no verdict on a sender while learning takes longer than the first read waits, nor when learning fails", async () => {
    server = await startTestServer({ store: "sqlite" });
    const inbox = { id: server.inbox.id, record: server.inbox };
    const slow = new KnownCorrespondents(server.store);
    const never = provider(() => new Promise(() => undefined));
    const started = Date.now();
    const waiting = await slow.knowledgeOf(inbox, never, [stranger]);
    expect(waiting.learned).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);

    const failing = new KnownCorrespondents(server.store);
    let calls = 0;
    const broken = provider(async () => {
      calls++;
      throw new Error("provider down");
    });
    expect((await failing.knowledgeOf(inbox, broken, [stranger])).learned).toBe(false);
    // A failed learning is not tried again on every read.
    expect((await failing.knowledgeOf(inbox, broken, [stranger])).learned).toBe(false);
    expect(calls).toBe(1);
    // A read with nothing to judge (an error, an empty page) starts no learning at all.
    const untouched = new KnownCorrespondents(server.store);
    expect((await untouched.knowledgeOf({ ...inbox, id: "other-inbox" }, broken, [])).learned).toBe(false);
    expect(calls).toBe(1);
  });
});

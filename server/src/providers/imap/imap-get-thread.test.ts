// get_thread on Dovecot: a conversation found in every folder from its thread id (INBOX and the
// reply's copy in SENT), oldest first, each message as read_email reads it; a message that only
// mentions the root further down its References is another thread; nothing is marked read.
import type { GetThreadOutput, ReadEmailOutput, SearchEmailsOutput } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  openImapClient,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import { startSmtpRelay, type SmtpRelay } from "../../../test/support/smtp-relay.js";
import type { InboxRecord } from "../../store/store.js";
import type { ClosableProvider, SentMessage } from "../provider.js";
import { createImapProvider } from "./imap-provider.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
const signal = new AbortController().signal;
const INBOX_ID = "7d2e9b41-5c3a-4f08-8e6d-1a9b0c4f7e23";

let user: RigUser;
let peer: RigUser;
let relay: SmtpRelay;
let provider: ClosableProvider;
let sent: SentMessage;

function message(fields: { subject: string; id: string; date: string; references?: string }): string {
  return [
    `From: Ann <${peer.address}>`,
    `To: ${user.address}`,
    `Subject: ${fields.subject}`,
    `Message-ID: ${fields.id}`,
    ...(fields.references === undefined
      ? []
      : [`In-Reply-To: ${fields.references.split(" ").at(-1)}`, `References: ${fields.references}`]),
    `Date: ${fields.date}`,
    "",
    `About ${fields.subject}.`,
    "",
  ].join("\r\n");
}

describeWithRig("get_thread on IMAP", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    relay = await startSmtpRelay({ rig });
    user = await createRigUser(rig, "thread");
    peer = await createRigUser(rig, "thread-peer");
    const client = await openImapClient(rig, user);
    await client.append(
      "INBOX",
      message({ subject: "Kickoff", id: "<Kickoff@Example.net>", date: "Tue, 01 Dec 2026 10:00:00 +0000" }),
    );
    await client.append(
      "INBOX",
      message({
        subject: "Re: Kickoff",
        id: "<answer@example.net>",
        references: "<kickoff@example.net>",
        date: "Tue, 01 Dec 2026 11:00:00 +0000",
      }),
    );
    // Names the root, but in the middle of its References: the thread of <elsewhere@example.net>.
    await client.append(
      "INBOX",
      message({
        subject: "Fwd: an older talk",
        id: "<fwd@example.net>",
        references: "<elsewhere@example.net> <kickoff@example.net>",
        date: "Tue, 01 Dec 2026 12:00:00 +0000",
      }),
    );
    await client.logout();
    provider = createImapProvider({
      inbox: { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [user.address] } as InboxRecord,
      settings: imapSettingsFor(rig, user, relay.port),
      pool: { maxConnectionsPerInbox: 2, idleCloseMs: 10_000 },
      network: LOOPBACK_MAIL_NETWORK,
    });
    const answer = await search('subject:"Re: Kickoff"');
    sent = (await provider.reply_to_email(
      {
        inbox_id: INBOX_ID,
        message_id: answer.messages[0]!.id,
        body: "Count me in.",
        reply_all: false,
        attachments: [],
      },
      signal,
    )) as SentMessage;
  }, 60_000);
  afterAll(async () => {
    await provider?.close();
    await relay?.close();
  });

  async function search(query: string): Promise<SearchEmailsOutput> {
    return (await provider.search_emails(
      { inbox_id: INBOX_ID, query, syntax: "portable", limit: 20, offset: 0 },
      signal,
    )) as SearchEmailsOutput;
  }

  const thread = async (threadId: string) =>
    (await provider.get_thread(
      { inbox_id: INBOX_ID, thread_id: threadId, body_format: "text", strip_quoted: false },
      signal,
    )) as GetThreadOutput;

  it("gives the thread of a send across INBOX and SENT, oldest first, each message as read_email reads it", async () => {
    const found = await thread(sent.thread_id!);
    expect(found).toMatchObject({ thread_id: sent.thread_id, message_count: 3, truncated: false });
    expect(found.messages.map((m) => [m.subject, m.folder])).toEqual([
      ["Kickoff", "INBOX"],
      ["Re: Kickoff", "INBOX"],
      ["Re: Kickoff", "SENT"],
    ]);
    expect(found.messages[2]!.id).toBe(sent.message_id);
    for (const each of found.messages) {
      const read = (await provider.read_email(
        {
          inbox_id: INBOX_ID,
          message_id: each.id,
          include_html: false,
          include_attachments: false,
          mark_as_read: false,
          body_format: "text",
          strip_quoted: false,
        },
        signal,
      )) as ReadEmailOutput;
      expect(each).toEqual(read);
    }
  });

  it("takes the thread ids search and read give, and marks nothing read", async () => {
    const [kickoff] = (await search('subject:"Kickoff" is:unread')).messages.filter((m) => m.subject === "Kickoff");
    expect(kickoff?.unread).toBe(true);
    const found = await thread(kickoff!.thread_id!);
    expect(found.messages.map((m) => m.subject)).toEqual(["Kickoff", "Re: Kickoff", "Re: Kickoff"]);
    expect(found.messages[0]!.unread).toBe(true);
    expect((await search("is:unread")).messages.map((m) => m.subject)).toContain("Kickoff");
    const [fwd] = (await search('subject:"Fwd"')).messages;
    expect((await thread(fwd!.thread_id!)).messages.map((m) => m.subject)).toEqual(["Fwd: an older talk"]);
  });

  it("answers thread_not_found for an id no message has, one made before 1.1 and one that is no thread id", async () => {
    const known = sent.thread_id!;
    const otherRoot = `${known.slice(0, 23)}${Buffer.from("<nobody@example.net>").toString("base64url")}`;
    for (const unknown of [otherRoot, known.slice(0, 23), "not/a thread%"]) {
      const result = await provider.get_thread(
        { inbox_id: INBOX_ID, thread_id: unknown, body_format: "text", strip_quoted: false },
        signal,
      );
      expect(result, unknown).toMatchObject({ isError: true, errorCode: "thread_not_found" });
    }
  });
});

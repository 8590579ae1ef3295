// get_thread on Outlook: a conversation is the messages of every folder with its conversationId,
// oldest first, each as read_email reads it; thread ids from a send, a search or a read name it.
import type { GetThreadOutput, ReadEmailOutput, SearchEmailsOutput } from "@mcpemails/generated";
import type { SentMessage } from "../../provider.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGraphFake, type GraphFakeSession } from "../../../../test/fakes/outlook/fake-session.js";
import { fakeOutlookInbox, type FakeOutlookInbox } from "../../../../test/fakes/outlook/fake-provider.js";

const ADA = "ada@contoso.test";
const never = new AbortController().signal;
let session: GraphFakeSession;
let ada: FakeOutlookInbox;

async function thread(threadId: string): Promise<GetThreadOutput> {
  return (await ada.provider.get_thread(ada.args("get_thread", { thread_id: threadId }), never)) as GetThreadOutput;
}

async function read(messageId: string): Promise<ReadEmailOutput> {
  return (await ada.provider.read_email(ada.args("read_email", { message_id: messageId }), never)) as ReadEmailOutput;
}

beforeAll(async () => {
  session = startGraphFake();
  session.fake.addMailbox("bob@contoso.test", "Bob Stone");
  ada = await fakeOutlookInbox(session, ADA);
});
beforeEach(async () => {
  await session.fake.settled();
  session.fake.mailbox(ADA).messages.clear();
});
afterAll(async () => {
  await ada.provider.close();
  session.close();
});

describe("get_thread on Outlook", () => {
  it("gives a message in INBOX, the reply in SENT and a later one moved to a folder of the owner's, oldest first, each as read_email reads it", async () => {
    const original = await session.fake.seed(
      ADA,
      "From: Bob Stone <bob@contoso.test>\r\nTo: Ada <ada@contoso.test>\r\nSubject: Budget\r\nMessage-ID: <budget@contoso.test>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nCan you check the budget?\r\n",
      { receivedDateTime: "2026-11-02T10:00:00Z" },
    );
    const sent = (await ada.provider.reply_to_email(
      ada.args("reply_to_email", { message_id: original.message.id, body: "Checked, it holds." }),
      never,
    )) as SentMessage;
    await session.fake.settled();
    const folder = session.fake.mailbox(ADA).addFolder("Finance");
    const later = await session.fake.seed(
      ADA,
      "From: Bob Stone <bob@contoso.test>\r\nTo: Ada <ada@contoso.test>\r\nSubject: Re: Budget\r\nMessage-ID: <budget-3@contoso.test>\r\nIn-Reply-To: <budget@contoso.test>\r\nDate: Sat, 02 Jan 2027 10:00:00 +0000\r\n\r\nThanks!\r\n",
      { folder, receivedDateTime: "2027-01-02T10:00:00Z" },
    );
    const threadId = original.message.conversationId;
    expect(sent.thread_id).toBe(threadId);
    const found = await thread(threadId);
    expect(found).toMatchObject({ thread_id: threadId, message_count: 3, truncated: false });
    expect(found.messages.map((message) => [message.subject, message.folder])).toEqual([
      ["Budget", "INBOX"],
      ["Re: Budget", "SENT"],
      ["Re: Budget", folder.id],
    ]);
    for (const message of found.messages) expect(message).toEqual(await read(message.id));
    expect(found.messages[2]!.id).toBe(later.message.id);
    expect(found.messages[0]!.unread).toBe(true);
  });

  it("takes the thread ids a search and a read give", async () => {
    await session.fake.seed(
      ADA,
      "From: Bob Stone <bob@contoso.test>\r\nTo: Ada <ada@contoso.test>\r\nSubject: Offsite\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nWhere shall we go?\r\n",
    );
    const [hit] = (
      (await ada.provider.search_emails(ada.args("search_emails", { query: "offsite" }), never)) as SearchEmailsOutput
    ).messages;
    const fromRead = (await read(hit!.id)).thread_id!;
    expect(fromRead).toBe(hit!.thread_id);
    expect((await thread(fromRead)).messages.map((message) => message.id)).toEqual([hit!.id]);
  });

  it("answers thread_not_found for a conversation the mailbox does not have, and for an id that is no Graph id without asking Graph", async () => {
    const stored = await session.fake.seed(
      ADA,
      "From: bob@contoso.test\r\nSubject: Hello\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nHi\r\n",
    );
    const unknown = [...stored.message.conversationId].reverse().join("");
    expect(await ada.provider.get_thread(ada.args("get_thread", { thread_id: unknown }), never)).toMatchObject({
      isError: true,
      errorCode: "thread_not_found",
    });
    session.fake.resetCounts();
    for (const threadId of ["not/a thread%", "it's"])
      expect(await ada.provider.get_thread(ada.args("get_thread", { thread_id: threadId }), never)).toMatchObject({
        isError: true,
        errorCode: "thread_not_found",
      });
    expect(session.fake.graphRequests(/^GET \/me\/messages$/u)).toBe(0);
  });
});

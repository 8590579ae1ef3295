// get_thread against the fake Gmail: a thread across INBOX, one of the owner's labels and SENT (a
// reply sent through the provider), read oldest first as read_email reads each message, by the
// thread_id any other tool gives; thread_not_found for a thread Gmail does not have.
import type { GetThreadOutput, ReadEmailArgs, ReadEmailOutput } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import type { InboxRecord } from "../../store/store.js";
import { addUserLabel } from "../../../test/fakes/gmail/fake-label-registry.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import type { SentMessage } from "../provider.js";
import { createGmailProvider } from "./gmail-provider.js";

const ADDRESS = "threads@example.com";
const signal = new AbortController().signal;
const inbox = { id: "0d6c2b1e-7f3a-4e5d-9c8b-1a2b3c4d5e6f", addresses: [ADDRESS] } as InboxRecord;
let rig: GmailRig;
let question: string;
let followUp: string;
let reply: SentMessage;

const provider = () => createGmailProvider({ inbox, settings: rig.connect(ADDRESS), app: rig.app });

async function seed(subject: string, messageId: string, date: string, labelIds: string[], inReplyTo?: string) {
  const { raw } = await composeMessage({
    from: { name: "Alice", address: "alice@example.net" },
    to: [{ name: null, address: ADDRESS }],
    cc: [],
    subject,
    text: `${subject}, said on ${date}.`,
    messageId,
    date: new Date(date),
    ...(inReplyTo === undefined ? {} : { inReplyTo, references: [inReplyTo] }),
  });
  return (await rig.gmail.mailboxes.insert(ADDRESS, raw, { labelIds })).id;
}

function readArgs(messageId: string): ReadEmailArgs {
  return {
    inbox_id: inbox.id,
    message_id: messageId,
    include_html: false,
    include_attachments: false,
    mark_as_read: false,
    body_format: "text",
    strip_quoted: false,
  };
}

async function thread(threadId: string) {
  return provider().get_thread(
    { inbox_id: inbox.id, thread_id: threadId, body_format: "text", strip_quoted: false },
    signal,
  );
}

beforeAll(async () => {
  rig = startGmailRig();
  rig.connect(ADDRESS);
  const projects = addUserLabel(rig.gmail.mailboxes.mailbox(ADDRESS)!, "Projects");
  question = await seed("Lunch", "<lunch@example.net>", "2026-11-02T10:00:00Z", ["INBOX", "UNREAD"]);
  followUp = await seed(
    "Re: Lunch",
    "<lunch-2@example.net>",
    "2026-11-02T11:00:00Z",
    [projects],
    "<lunch@example.net>",
  );
  await seed("Unrelated", "<other@example.net>", "2026-11-02T10:30:00Z", ["INBOX"]);
  const sent = await provider().reply_to_email(
    { inbox_id: inbox.id, message_id: question, body: "Noon suits me.", reply_all: false, attachments: [] },
    signal,
  );
  if ("isError" in sent) throw new Error(sent.content[0].text);
  reply = sent;
});
afterAll(() => rig.close());

describe("get_thread on Gmail", () => {
  it("reads every message of the thread in every folder, oldest first, each as read_email reads it", async () => {
    const read = (await provider().read_email(readArgs(question), signal)) as ReadEmailOutput;
    const found = (await thread(read.thread_id!)) as GetThreadOutput;
    expect(found.messages.map((message) => [message.id, message.folder])).toEqual([
      [question, "INBOX"],
      [followUp, expect.stringMatching(/^Label_/u)],
      [reply.message_id, "SENT"],
    ]);
    expect(found).toMatchObject({ thread_id: read.thread_id, message_count: 3, truncated: false });
    expect(found.messages[0]).toEqual(read);
    expect(found.messages[2]?.body_text).toContain("Noon suits me.");
  });

  it("takes the thread_id of a send and of a search", async () => {
    expect(reply.thread_id).not.toBeNull();
    const bySend = (await thread(reply.thread_id!)) as GetThreadOutput;
    const searched = await provider().search_emails(
      { inbox_id: inbox.id, query: "noon", syntax: "portable", limit: 20, offset: 0 },
      signal,
    );
    if ("isError" in searched) throw new Error(searched.content[0].text);
    expect(searched.messages.map((message) => message.id)).toEqual([reply.message_id]);
    const bySearch = (await thread(searched.messages[0]!.thread_id!)) as GetThreadOutput;
    expect(bySearch.messages.map((message) => message.id)).toEqual([question, followUp, reply.message_id]);
    expect(bySend).toEqual(bySearch);
  });

  it("answers thread_not_found for a thread Gmail does not have, and for an id that cannot be Gmail's without asking", async () => {
    expect(await thread("18f00000000fffff")).toMatchObject({ isError: true, errorCode: "thread_not_found" });
    rig.gmail.resetCounters();
    expect(await thread("<lunch@example.net>")).toMatchObject({ isError: true, errorCode: "thread_not_found" });
    expect(rig.gmail.totalRequests()).toBe(0);
  });
});

// The reads open their folder with EXAMINE: on Dovecot, a read leaves the messages \Recent (a
// SELECT would take the flag) and unseen; only read_email's mark_as_read opens it read-write, and
// the reads after it on the same connection EXAMINE it again.
import type { ListInboxOutput } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  openImapClient,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import type { InboxRecord } from "../../store/store.js";
import type { ClosableProvider } from "../provider.js";
import { createImapProvider } from "./imap-provider.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
const signal = new AbortController().signal;
const INBOX_ID = "2c8f5e07-9a1b-4d3c-b6e2-7f4a0d9c1e58";

let user: RigUser;
let provider: ClosableProvider;

async function inboxStatus() {
  const client = await openImapClient(rig!, user);
  try {
    const status = await client.status("INBOX", { recent: true, unseen: true });
    return status === false ? undefined : { recent: status.recent, unseen: status.unseen };
  } finally {
    await client.logout();
  }
}

describeWithRig("IMAP reads open folders read-only", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    user = await createRigUser(rig, "examine");
    const client = await openImapClient(rig, user);
    await client.append(
      "INBOX",
      [
        "From: Ann <ann@example.net>",
        `To: ${user.address}`,
        "Subject: Untouched",
        "Message-ID: <untouched@example.net>",
        "Date: Tue, 01 Dec 2026 10:00:00 +0000",
        'Content-Type: multipart/mixed; boundary="cut"',
        "",
        "--cut",
        "Content-Type: text/plain",
        "",
        "Still new.",
        "--cut",
        'Content-Type: text/plain; name="a.txt"',
        "Content-Disposition: attachment; filename=a.txt",
        "",
        "attached",
        "--cut--",
        "",
      ].join("\r\n"),
    );
    await client.logout();
    provider = createImapProvider({
      inbox: { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [user.address] } as InboxRecord,
      settings: imapSettingsFor(rig, user, 1),
      // One connection: every call below meets the folder the call before left open.
      pool: { maxConnectionsPerInbox: 1, idleCloseMs: 10_000 },
      network: LOOPBACK_MAIL_NETWORK,
    });
  }, 60_000);
  afterAll(async () => provider?.close());

  const list = async () =>
    (await provider.list_inbox(
      { inbox_id: INBOX_ID, folder: "INBOX", unread_only: false, limit: 5, offset: 0 },
      signal,
    )) as ListInboxOutput;
  const read = (messageId: string, markAsRead: boolean) =>
    provider.read_email(
      {
        inbox_id: INBOX_ID,
        message_id: messageId,
        include_html: false,
        include_attachments: true,
        mark_as_read: markAsRead,
        body_format: "text",
        strip_quoted: false,
      },
      signal,
    );

  it("leaves messages \\Recent and unseen after every read, and marks read only when asked", async () => {
    expect(await inboxStatus()).toEqual({ recent: 1, unseen: 1 });
    const [message] = (await list()).messages;
    await read(message!.id, false);
    await provider.search_emails({ inbox_id: INBOX_ID, query: "new", syntax: "portable", limit: 5, offset: 0 }, signal);
    await provider.get_thread(
      { inbox_id: INBOX_ID, thread_id: message!.thread_id!, body_format: "text", strip_quoted: false },
      signal,
    );
    await provider.get_attachment({ inbox_id: INBOX_ID, message_id: message!.id, attachment_id: "2" }, signal);
    await provider.list_folders({ inbox_id: INBOX_ID }, signal);
    expect(await inboxStatus()).toEqual({ recent: 1, unseen: 1 });

    await read(message!.id, true);
    expect((await inboxStatus())?.unseen).toBe(0);
    expect((await list()).messages[0]).toMatchObject({ id: message!.id, unread: false });
  });
});

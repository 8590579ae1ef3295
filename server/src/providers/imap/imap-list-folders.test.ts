// list_folders on Dovecot: the standard folders first under their canonical ids, the owner's own
// folders by path with the server's counts, a level of the hierarchy that holds no mail left out;
// the ids it gives work as list_inbox's folder and in include_folders, and any other id is -32602.
import type { ListFoldersOutput, ListInboxOutput, SearchEmailsOutput } from "@mcpemails/generated";
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
import { ParameterError, type ClosableProvider } from "../provider.js";
import { createImapProvider } from "./imap-provider.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
const signal = new AbortController().signal;
const INBOX_ID = "a4f0c6de-2b7e-4c1a-9f53-0d8e6b1c2a77";
const OWN = "Projects.2026";

let user: RigUser;
let provider: ClosableProvider;

function message(subject: string): string {
  return [
    "From: Ann <ann@example.net>",
    `To: ${user.address}`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/gu, "")}@example.net>`,
    "Date: Tue, 01 Dec 2026 10:00:00 +0000",
    "",
    `About ${subject}.`,
    "",
  ].join("\r\n");
}

describeWithRig("list_folders on IMAP", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    user = await createRigUser(rig, "folders");
    const client = await openImapClient(rig, user);
    // Maildir++ makes "Projects" a level of the hierarchy only (\NonExistent \Noselect).
    await client.mailboxCreate(["Projects", "2026"]);
    await client.append("INBOX", message("Budget report"), ["\\Seen"]);
    await client.append("INBOX", message("Lunch"));
    await client.append("INBOX", message("Offsite"));
    await client.append(OWN, message("Roadmap report"));
    await client.append(OWN, message("Hiring"), ["\\Seen"]);
    await client.logout();
    provider = createImapProvider({
      inbox: { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [user.address] } as InboxRecord,
      settings: imapSettingsFor(rig, user, 1),
      pool: { maxConnectionsPerInbox: 1, idleCloseMs: 10_000 },
      network: LOOPBACK_MAIL_NETWORK,
    });
  }, 60_000);
  afterAll(async () => provider?.close());

  const list = async (folder: string) =>
    (await provider.list_inbox(
      { inbox_id: INBOX_ID, folder, unread_only: false, limit: 20, offset: 0 },
      signal,
    )) as ListInboxOutput;

  it("lists INBOX, SENT, DRAFTS and TRASH first, then the other folders by path, each with its counts", async () => {
    const output = (await provider.list_folders({ inbox_id: INBOX_ID }, signal)) as ListFoldersOutput;
    expect(output).toEqual({
      folders: [
        { id: "INBOX", name: "INBOX", kind: "INBOX", total: 3, unread: 2 },
        { id: "SENT", name: "Sent", kind: "SENT", total: 0, unread: 0 },
        { id: "DRAFTS", name: "Drafts", kind: "DRAFTS", total: 0, unread: 0 },
        { id: "TRASH", name: "Trash", kind: "TRASH", total: 0, unread: 0 },
        { id: "Junk", name: "Junk", kind: "other", total: 0, unread: 0 },
        { id: OWN, name: OWN, kind: "other", total: 2, unread: 1 },
      ],
      truncated: false,
    });
  });

  it("gives ids list_inbox and include_folders take, and messages name their folder by that id", async () => {
    const own = await list(OWN);
    expect(own.messages.map((m) => [m.subject, m.folder])).toEqual([
      ["Hiring", OWN],
      ["Roadmap report", OWN],
    ]);
    const found = (await provider.search_emails(
      { inbox_id: INBOX_ID, query: "report", syntax: "portable", include_folders: [OWN], limit: 20, offset: 0 },
      signal,
    )) as SearchEmailsOutput;
    expect(found.messages.map((m) => [m.subject, m.folder])).toEqual([["Roadmap report", OWN]]);
    expect((await list("SENT")).messages).toEqual([]);
  });

  it("refuses a folder the inbox does not have, and a level that holds no mail, with -32602 naming the parameter", async () => {
    for (const folder of ["Projects", "No such folder"]) {
      const refused = await list(folder).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ParameterError);
      expect(refused).toMatchObject({ parameter: "folder", rule: "enum" });
    }
    const search = await provider
      .search_emails(
        {
          inbox_id: INBOX_ID,
          query: "report",
          syntax: "portable",
          include_folders: ["INBOX", "Nope"],
          limit: 5,
          offset: 0,
        },
        signal,
      )
      .catch((error: unknown) => error);
    expect(search).toMatchObject({ parameter: "include_folders[1]", rule: "enum" });
  });

  it("finds a folder made after the folders were first listed", async () => {
    const client = await openImapClient(rig!, user);
    await client.mailboxCreate("Later");
    await client.append("Later", message("Late news"));
    await client.logout();
    expect((await list("Later")).messages.map((m) => m.folder)).toEqual(["Later"]);
  });
});

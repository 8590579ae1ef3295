// list_folders on Outlook: the folders below msgfolderroot, level by level and page by page, the
// standard four first by the ids their well-known names give, then the owner's own by path, each with
// Graph's counts; the ids it gives are what list_inbox's folder and include_folders take.
import type { FolderSummary, ListFoldersOutput, ListInboxOutput } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphFake, type GraphFakeSession } from "../../../../test/fakes/outlook/fake-session.js";
import { fakeOutlookInbox, type FakeOutlookInbox } from "../../../../test/fakes/outlook/fake-provider.js";
import type { FakeFolder, FakeMailbox } from "../../../../test/fakes/outlook/graph-mailbox.js";
import { ParameterError } from "../../provider.js";

const ADA = "ada@contoso.test";
const never = new AbortController().signal;
let session: GraphFakeSession;
let ada: FakeOutlookInbox;
let mailbox: FakeMailbox;
let projects: FakeFolder;
let year: FakeFolder;

const mime = (subject: string) =>
  `From: Bob <bob@contoso.test>\r\nTo: ${ADA}\r\nSubject: ${subject}\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nThe report is ready.\r\n`;

async function listFolders(): Promise<ListFoldersOutput> {
  return (await ada.provider.list_folders(ada.args("list_folders", {}), never)) as ListFoldersOutput;
}

async function listInbox(folder: string): Promise<ListInboxOutput> {
  return (await ada.provider.list_inbox(ada.args("list_inbox", { folder }), never)) as ListInboxOutput;
}

async function refusal(work: Promise<unknown>): Promise<ParameterError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ParameterError);
  return error as ParameterError;
}

beforeAll(async () => {
  session = startGraphFake();
  ada = await fakeOutlookInbox(session, ADA);
  mailbox = session.fake.mailbox(ADA);
  projects = mailbox.addFolder("Projects");
  year = mailbox.addFolder("2026", { parentFolderId: projects.id });
  // More top-level folders than one of Graph's pages holds, and two the owner does not see.
  for (const name of ["Receipts", "Newsletters", "Travel", "Family", "Clients", "Old", "Zeta", "Alpha"])
    mailbox.addFolder(name);
  mailbox.addFolder("Hidden sync state", { isHidden: true });
  // Received a minute apart: seeded in the same millisecond, two messages would tie in the listing's order.
  const at = (minute: number) => ({ receivedDateTime: `2026-11-02T10:0${minute}:00Z` });
  await session.fake.seed(ADA, mime("Report 1"), { isRead: false, ...at(1) });
  await session.fake.seed(ADA, mime("Report 2"), { isRead: true, ...at(2) });
  await session.fake.seed(ADA, mime("Report 3"), { folder: year, isRead: false, ...at(3) });
  await session.fake.seed(ADA, mime("Report 4"), { folder: year, isRead: true, ...at(4) });
  await mailbox.addTeamsChat({ from: "bob@contoso.test", text: "report?", sentDateTime: "2026-11-02T11:00:00Z" });
});
afterAll(async () => {
  await ada.provider.close();
  session.close();
});

describe("list_folders on Outlook", () => {
  it("lists the standard four first with Graph's counts, then every other mail folder by path, nested; hidden folders and Teams' left out", async () => {
    const { folders, truncated } = await listFolders();
    expect(truncated).toBe(false);
    expect(folders.slice(0, 4)).toEqual<FolderSummary[]>([
      { id: "INBOX", name: "Inbox", kind: "INBOX", total: 2, unread: 1 },
      { id: "SENT", name: "Sent Items", kind: "SENT", total: 0, unread: 0 },
      { id: "DRAFTS", name: "Drafts", kind: "DRAFTS", total: 0, unread: 0 },
      { id: "TRASH", name: "Deleted Items", kind: "TRASH", total: 0, unread: 0 },
    ]);
    const others = folders.slice(4);
    expect(others.map((folder) => folder.name)).toEqual([
      "Alpha",
      "Archive",
      "Clients",
      "Family",
      "Newsletters",
      "Old",
      "Projects",
      "Projects/2026",
      "Receipts",
      "Travel",
      "Zeta",
    ]);
    expect(others.every((folder) => folder.kind === "other")).toBe(true);
    expect(others.find((folder) => folder.name === "Projects/2026")).toEqual({
      id: year.id,
      name: "Projects/2026",
      kind: "other",
      total: 2,
      unread: 1,
    });
  });

  it("gives ids that list_inbox's folder, include_folders and every message's folder use", async () => {
    const page = await listInbox(year.id);
    expect(page.messages.map((message) => [message.subject, message.folder])).toEqual([
      ["Report 4", year.id],
      ["Report 3", year.id],
    ]);
    expect(page.total).toBe(2);
    const read = await ada.provider.read_email(ada.args("read_email", { message_id: page.messages[0]!.id }), never);
    expect(read).toMatchObject({ folder: year.id });
    for (const include_folders of [[year.id], ["INBOX", year.id]]) {
      const found = await ada.provider.search_emails(
        ada.args("search_emails", { query: "report", include_folders }),
        never,
      );
      expect(
        (found as ListInboxOutput).messages.map((message) => message.folder).sort(),
        include_folders.join(","),
      ).toEqual(include_folders.length === 1 ? [year.id, year.id] : ["INBOX", "INBOX", year.id, year.id].sort());
    }
    const everywhere = await ada.provider.search_emails(ada.args("search_emails", { query: "report" }), never);
    expect(new Set((everywhere as ListInboxOutput).messages.map((message) => message.folder))).toEqual(
      new Set(["INBOX", year.id]),
    );
  });

  it("refuses with -32602 naming the parameter any id list_folders does not give: a display name, Graph's other well-known names, the root, a hidden or Teams folder, an id of nothing", async () => {
    const hidden = mailbox.ownFolders.find((folder) => folder.isHidden)!;
    const notListed = [
      "Projects",
      "archive",
      "msgfolderroot",
      mailbox.folderId("msgfolderroot"),
      hidden.id,
      mailbox.teamsFolder.id,
      `${year.id.slice(0, -8)}AAAAAAAA`,
      "no such folder",
    ];
    for (const folder of notListed) {
      const error = await refusal(ada.provider.list_inbox(ada.args("list_inbox", { folder }), never));
      expect(error.toData(), folder).toMatchObject({ parameter: "folder", rule: "enum" });
    }
    const error = await refusal(
      ada.provider.search_emails(
        ada.args("search_emails", { query: "x", include_folders: ["INBOX", "archive"] }),
        never,
      ),
    );
    expect(error.parameter).toBe("include_folders[1]");
  });

  it("lists a folder made since, and takes its id", async () => {
    await listFolders();
    const later = mailbox.addFolder("Later", { parentFolderId: year.id });
    const { folders } = await listFolders();
    expect(folders.find((folder) => folder.id === later.id)).toMatchObject({ name: "Projects/2026/Later", total: 0 });
    expect((await listInbox(later.id)).messages).toEqual([]);
  });

  it("gives the standard four and the first 1,000 folders by path, truncated, of a mailbox with more (read through Graph's nextLinks)", async () => {
    const many = await fakeOutlookInbox(session, "many@contoso.test");
    const theirs = session.fake.mailbox("many@contoso.test");
    for (let i = 0; i < 1002; i++) theirs.addFolder(`Folder ${String(i).padStart(4, "0")}`);
    session.fake.resetCounts();
    const { folders, truncated } = (await many.provider.list_folders(
      many.args("list_folders", {}),
      never,
    )) as ListFoldersOutput;
    expect(truncated).toBe(true);
    expect(folders).toHaveLength(1000);
    expect(folders.slice(0, 4).map((folder) => folder.id)).toEqual(["INBOX", "SENT", "DRAFTS", "TRASH"]);
    expect(folders.slice(4, 6).map((folder) => folder.name)).toEqual(["Archive", "Folder 0000"]);
    expect(folders.at(-1)!.name).toBe("Folder 0994");
    expect(session.fake.requestCounts()["GET /me/mailFolders"]).toBeGreaterThan(1);
    await many.provider.close();
  });
});

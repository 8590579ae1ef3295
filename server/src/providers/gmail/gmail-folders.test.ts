// Gmail's labels as folders, against the fake Gmail: the owner's own labels listed with their
// counts and usable as list_inbox's folder and in include_folders, the system labels that are no
// folder (tabs, chats, UNREAD, STARRED, IMPORTANT) left out, and an unknown id refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMessage } from "../../mail/compose.js";
import type { InboxRecord } from "../../store/store.js";
import { addUserLabel } from "../../../test/fakes/gmail/fake-label-registry.js";
import { startGmailRig, type GmailRig } from "../../../test/fakes/gmail/gmail-rig.js";
import { ParameterError } from "../provider.js";
import { createGmailProvider } from "./gmail-provider.js";

const ADDRESS = "labels@example.com";
const signal = new AbortController().signal;
const inbox = { id: "6e1f0c1e-5b7a-4c9d-8e1f-3a2b4c6d8e0f", addresses: [ADDRESS] } as InboxRecord;
let rig: GmailRig;
let projects: string;

beforeAll(async () => {
  rig = startGmailRig();
  rig.connect(ADDRESS);
  const mailbox = rig.gmail.mailboxes.mailbox(ADDRESS)!;
  projects = addUserLabel(mailbox, "Projects/2026 Plans");
  for (const [subject, labelIds] of [
    ["Roadmap", [projects, "UNREAD"]],
    ["Budget", [projects]],
    ["Hello", ["INBOX", "UNREAD", "CATEGORY_PERSONAL"]],
  ] as const) {
    const { raw } = await composeMessage({
      from: { name: null, address: "alice@example.net" },
      to: [{ name: null, address: ADDRESS }],
      cc: [],
      subject,
      text: `About the ${subject.toLowerCase()}.`,
      messageId: `<${subject}@example.net>`,
      date: new Date("2026-11-02T10:00:00Z"),
    });
    await rig.gmail.mailboxes.insert(ADDRESS, raw, { labelIds });
  }
});
afterAll(() => rig.close());

const provider = () => createGmailProvider({ inbox, settings: rig.connect(ADDRESS), app: rig.app });

describe("Gmail's labels as folders", () => {
  it("lists the standard four, SPAM and the owner's labels with their counts, never the tabs or marks", async () => {
    const listed = await provider().list_folders({ inbox_id: inbox.id }, signal);
    if ("isError" in listed) throw new Error(listed.content[0].text);
    expect(listed.folders.map((folder) => [folder.id, folder.kind])).toEqual([
      ["INBOX", "INBOX"],
      ["SENT", "SENT"],
      ["DRAFTS", "DRAFTS"],
      ["TRASH", "TRASH"],
      [projects, "other"],
      ["SPAM", "other"],
    ]);
    expect(listed.folders.find((folder) => folder.id === projects)).toMatchObject({
      name: "Projects/2026 Plans",
      total: 2,
      unread: 1,
    });
  });

  it("lists a label's messages by its id, each shown in that folder", async () => {
    const page = await provider().list_inbox(
      { inbox_id: inbox.id, folder: projects, limit: 20, offset: 0, unread_only: false },
      signal,
    );
    if ("isError" in page) throw new Error(page.content[0].text);
    expect(page.messages.map((message) => [message.subject, message.folder])).toEqual([
      ["Budget", projects],
      ["Roadmap", projects],
    ]);
  });

  it("searches a label named in include_folders, by its name as Gmail's label: operator takes it", async () => {
    const found = await provider().search_emails(
      { inbox_id: inbox.id, query: "about", syntax: "portable", limit: 20, offset: 0, include_folders: [projects] },
      signal,
    );
    if ("isError" in found) throw new Error(found.content[0].text);
    expect(found.messages.map((message) => message.subject).sort()).toEqual(["Budget", "Roadmap"]);
    expect(new Set(found.messages.map((message) => message.folder))).toEqual(new Set([projects]));
  });

  it("refuses an id the mailbox has no folder for, a tab among them, with -32602 naming the parameter", async () => {
    for (const folder of ["Label_999999", "CATEGORY_PERSONAL", "UNREAD"]) {
      const refused = await provider()
        .list_inbox({ inbox_id: inbox.id, folder, limit: 20, offset: 0, unread_only: false }, signal)
        .catch((error: unknown) => error);
      expect(refused, folder).toBeInstanceOf(ParameterError);
      expect((refused as ParameterError).parameter).toBe("folder");
    }
  });

  it("pages a label without listing the labels each time, and lists them again for a label made since", async () => {
    const labelled = provider();
    const page = (folder: string) =>
      labelled.list_inbox({ inbox_id: inbox.id, folder, limit: 1, offset: 0, unread_only: false }, signal);
    rig.gmail.resetCounters();
    await page(projects);
    await page(projects);
    expect(rig.gmail.requests["labels.list"]).toBe(1);
    const later = addUserLabel(rig.gmail.mailboxes.mailbox(ADDRESS)!, "Later");
    expect(await page(later)).toMatchObject({ messages: [] });
    expect(rig.gmail.requests["labels.list"]).toBe(2);
  });

  it("leaves out a label deleted between listing the labels and counting it", async () => {
    const ids = async () => {
      const listed = await provider().list_folders({ inbox_id: inbox.id }, signal);
      if ("isError" in listed) throw new Error(listed.content[0].text);
      return listed.folders.map((folder) => folder.id);
    };
    const before = await ids();
    // The first label counted is INBOX's.
    rig.gmail.fail({ endpoint: "labels.get", status: 404, reason: "notFound" });
    expect(await ids()).toEqual(before.filter((id) => id !== "INBOX"));
  });

  it("answers at most 1,000 folders, truncated, counting them a few at a time", async () => {
    const crowded = "crowded@example.com";
    const settings = rig.connect(crowded);
    const mailbox = rig.gmail.mailboxes.mailbox(crowded)!;
    for (let index = 0; index < 1_001; index += 1) addUserLabel(mailbox, `Topic ${String(index).padStart(4, "0")}`);
    let inFlight = 0;
    let most = 0;
    const counting = (request: Request) => /\/labels\/[^/]+$/u.test(new URL(request.url).pathname);
    const started = ({ request }: { request: Request }) => {
      if (counting(request)) most = Math.max(most, ++inFlight);
    };
    const ended = ({ request }: { request: Request }) => {
      if (counting(request)) inFlight -= 1;
    };
    rig.msw.events.on("request:start", started);
    rig.msw.events.on("response:mocked", ended);
    try {
      const listed = await createGmailProvider({ inbox, settings, app: rig.app }).list_folders(
        { inbox_id: inbox.id },
        signal,
      );
      if ("isError" in listed) throw new Error(listed.content[0].text);
      expect(listed.truncated).toBe(true);
      expect(listed.folders).toHaveLength(1_000);
      expect(listed.folders.slice(0, 6).map((folder) => folder.name)).toEqual([
        "Inbox",
        "Sent",
        "Drafts",
        "Trash",
        "Spam",
        "Topic 0000",
      ]);
      expect(listed.folders[5]).toMatchObject({ kind: "other", total: 0, unread: 0 });
      expect(listed.folders.at(-1)?.name).toBe("Topic 0994");
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(8);
    } finally {
      rig.msw.events.removeListener("request:start", started);
      rig.msw.events.removeListener("response:mocked", ended);
    }
  });
});

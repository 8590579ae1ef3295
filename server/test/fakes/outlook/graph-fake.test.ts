// The Graph fake follows Graph's documented behaviour, quirks included, so that a provider passing
// against it does not rely on something Graph would refuse.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "./fake-session.js";
import { GRAPH_ROOT } from "./graph-handlers.js";

const ADA = "ada@contoso.test";
let session: GraphFakeSession;
let token: string;

const mime = (i: number) =>
  `From: Bob <bob@contoso.test>\r\nTo: ${ADA}\r\nSubject: Item ${i}\r\nMessage-ID: <item-${i}@contoso.test>\r\nDate: ${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString()}\r\n\r\nText ${i}\r\n`;

async function graph(path: string, init: RequestInit = {}) {
  const response = await fetch(`${GRAPH_ROOT}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      prefer: 'IdType="ImmutableId"',
      ...(init.headers as Record<string, string>),
    },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json().catch(() => null)) as Record<string, unknown> & {
      error?: { code: string; message: string };
    },
  };
}

beforeAll(async () => {
  session = startGraphFake(FAKE_MICROSOFT_APP);
  session.fake.addMailbox(ADA);
  for (let i = 0; i < 1005; i++)
    await session.fake.seed(ADA, mime(i), {
      receivedDateTime: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
});
beforeEach(() => {
  token = session.fake.issueAccessToken(ADA, 3600);
});
afterAll(() => session.close());

describe("the Graph fake", () => {
  it("refuses $search together with $orderby or $filter, as Graph does for messages", async () => {
    for (const extra of ["$orderby=receivedDateTime desc", "$filter=isRead eq false"]) {
      const answer = await graph(`/me/messages?$search="item"&${extra}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.message).toMatch(/is not supported with '\$search'/u);
    }
  });

  it("counts store items in $skip, not the messages returned: nextLinks (of a $search too) carry Graph's $skip, and an offset used as $skip lands on messages already returned", async () => {
    const first = await graph(`/me/mailFolders/inbox/messages?$orderby=receivedDateTime desc&$top=5&$select=subject`);
    const firstSubjects = (first.body.value as Array<{ subject: string }>).map((m) => m.subject);
    const nextLink = new URL(first.body["@odata.nextLink"] as string);
    expect(nextLink.searchParams.get("$skip")).toBe("6");
    const followed = await graph(`${nextLink.pathname.slice("/v1.0".length)}${nextLink.search}`);
    const computed = await graph(
      `/me/mailFolders/inbox/messages?$orderby=receivedDateTime desc&$top=5&$skip=5&$select=subject`,
    );
    const subjects = (page: { body: Record<string, unknown> }) =>
      (page.body.value as Array<{ subject: string }>).map((m) => m.subject);
    expect(subjects(followed)).toEqual(["Item 999", "Item 998", "Item 997", "Item 996", "Item 995"]);
    expect(firstSubjects.at(-1)).toBe("Item 1000");
    expect(subjects(computed)[0]).toBe("Item 1000");
    const search = await graph(`/me/messages?$search="item"&$top=5&$select=id`);
    expect(new URL(search.body["@odata.nextLink"] as string).searchParams.get("$skip")).toBe("6");
  });

  it("returns at most 1,000 results for a $search, through nextLinks", async () => {
    let next: string | undefined = `${GRAPH_ROOT}/me/messages?$search="item"&$top=400&$select=id`;
    let total = 0;
    while (next !== undefined) {
      const response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
      const page = (await response.json()) as { value: unknown[]; "@odata.nextLink"?: string };
      total += page.value.length;
      next = page["@odata.nextLink"];
    }
    expect(total).toBe(1000);
  });

  it("answers InefficientFilter when $orderby names a property the $filter does not name first", async () => {
    expect((await graph("/me/messages?$filter=isRead eq false&$orderby=receivedDateTime desc")).body.error?.code).toBe(
      "InefficientFilter",
    );
    const fine = await graph(
      "/me/messages?$filter=receivedDateTime ge 1900-01-01T00:00:00Z and isRead eq false&$orderby=receivedDateTime desc&$count=true&$top=1",
    );
    expect(fine.status).toBe(200);
    expect(fine.body["@odata.count"]).toBe(1005);
  });

  it("refuses $filter on recipients", async () => {
    expect((await graph("/me/messages?$filter=toRecipients eq 'bob'")).status).toBe(400);
  });

  it("answers 413 to a request over 4 MB (4,000,000 bytes, the stricter reading), and 429 with Retry-After when told to throttle", async () => {
    const big = Buffer.alloc(4_000_001, 65).toString("latin1");
    expect(
      (await graph("/me/sendMail", { method: "POST", body: big, headers: { "content-type": "text/plain" } })).status,
    ).toBe(413);
    const draft = await graph("/me/messages", {
      method: "POST",
      body: Buffer.from(mime(5001)).toString("base64"),
      headers: { "content-type": "text/plain" },
    });
    const attach = (bytes: number) =>
      graph(`/me/messages/${(draft.body as { id: string }).id}/attachments`, {
        method: "POST",
        body: JSON.stringify({
          "@odata.type": "#microsoft.graph.fileAttachment",
          name: "a.bin",
          contentBytes: Buffer.alloc(bytes).toString("base64"),
        }),
        headers: { "content-type": "application/json" },
      });
    expect((await attach(3 * 1024 * 1024 - 1)).status).toBe(413);
    expect((await attach(2_999_000)).status).toBe(201);
    session.fake.throttleNext(1, 7);
    const throttled = await graph("/me");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    session.fake.throttleNext(1, new Date("2026-11-02T10:00:07Z"));
    expect((await graph("/me")).headers.get("retry-after")).toBe("Mon, 02 Nov 2026 10:00:07 GMT");
  });

  it("answers 401 to an expired or unknown token, and ErrorItemNotFound to an unknown message", async () => {
    session.fake.expireAccessTokens(ADA);
    expect((await graph("/me")).body.error?.code).toBe("InvalidAuthenticationToken");
    token = "not-a-token";
    expect((await graph("/me")).status).toBe(401);
    token = session.fake.issueAccessToken(ADA, 3600);
    expect((await graph("/me/messages/AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0AmissingAAA=")).body.error?.code).toBe(
      "ErrorItemNotFound",
    );
  });

  it("answers 400 ErrorInvalidIdMalformed to an id that is not base64 of an entry id, before looking it up", async () => {
    const [stored] = session.fake.mailbox(ADA).messages.values();
    const id = stored?.message.id ?? "";
    for (const malformed of ["not-an-id", "AAMk", id.slice(0, 40), `${id}AAA`, `${id}!`, `${id}===`])
      expect(await graph(`/me/messages/${encodeURIComponent(malformed)}`), malformed).toMatchObject({
        status: 400,
        body: { error: { code: "ErrorInvalidIdMalformed", message: "Id is malformed." } },
      });
    expect((await graph(`/me/messages/${id}?$select=id`)).status).toBe(200);
    expect((await graph(`/me/messages/${id.slice(0, 60)}`)).body.error?.code).toBe("ErrorItemNotFound");
    expect((await graph("/me/mailFolders/not-a-folder")).body.error?.code).toBe("ErrorInvalidIdMalformed");
  });

  it('gives immutable ids only when asked with Prefer: IdType="ImmutableId"', async () => {
    const immutable = (await graph("/me/mailFolders/inbox/messages?$top=1&$select=id")).body.value as Array<{
      id: string;
    }>;
    const plain = await fetch(`${GRAPH_ROOT}/me/mailFolders/inbox/messages?$top=1&$select=id`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const mutable = ((await plain.json()) as { value: Array<{ id: string }> }).value;
    expect(immutable[0]?.id).not.toBe(mutable[0]?.id);
    expect(session.fake.mailbox(ADA).messages.has(immutable[0]?.id ?? "")).toBe(true);
  });

  it('gives REST ids to a $search even with Prefer: IdType="ImmutableId"; translateExchangeIds turns them into immutable ids, at most 1000 a call', async () => {
    const found = (await graph('/me/messages?$search="item"&$top=3&$select=id')).body.value as Array<{ id: string }>;
    const mailbox = session.fake.mailbox(ADA);
    expect(found.every((m) => !mailbox.messages.has(m.id))).toBe(true);
    const [moved] = found;
    const translate = (inputIds: string[], sourceIdType = "restId") =>
      graph("/me/translateExchangeIds", {
        method: "POST",
        body: JSON.stringify({ inputIds, sourceIdType, targetIdType: "restImmutableEntryId" }),
        headers: { "content-type": "application/json" },
      });
    const translated = (await translate(found.map((m) => m.id))).body.value as Array<{
      sourceId: string;
      targetId: string;
    }>;
    expect(translated.map((r) => r.sourceId)).toEqual(found.map((m) => m.id));
    expect(translated.every((r) => mailbox.messages.has(r.targetId))).toBe(true);
    const immutableId = translated[0]?.targetId ?? "";
    mailbox.move(immutableId, "deleteditems");
    expect((await graph(`/me/messages/${moved?.id}`)).status).toBe(404);
    expect((await graph(`/me/messages/${immutableId}?$select=id`)).body.id).toBe(immutableId);
    expect((await translate([moved?.id ?? "", "AAMk"])).body.value).toEqual([
      { sourceId: moved?.id, errorDetails: expect.objectContaining({ code: "ErrorItemNotFound" }) },
      { sourceId: "AAMk", errorDetails: expect.objectContaining({ code: "ErrorInvalidIdMalformed" }) },
    ]);
    mailbox.move(immutableId, "inbox");
    expect((await translate(Array(1001).fill(found[1]?.id))).status).toBe(400);
    expect((await translate(Array(1000).fill(found[1]?.id))).status).toBe(200);
  });

  it("refuses an Authorization header on an upload session's URL, which carries its own token", async () => {
    const draft = await graph("/me/messages", {
      method: "POST",
      body: Buffer.from(mime(5000)).toString("base64"),
      headers: { "content-type": "text/plain" },
    });
    const id = (draft.body as { id: string }).id;
    const created = await graph(`/me/messages/${id}/attachments/createUploadSession`, {
      method: "POST",
      body: JSON.stringify({ AttachmentItem: { attachmentType: "file", name: "a.bin", size: 3 } }),
      headers: { "content-type": "application/json" },
    });
    const uploadUrl = (created.body as { uploadUrl: string }).uploadUrl;
    const withAuth = await fetch(uploadUrl, {
      method: "PUT",
      body: "abc",
      headers: { authorization: `Bearer ${token}`, "content-range": "bytes 0-2/3" },
    });
    expect(withAuth.status).toBe(401);
    const withoutAuth = await fetch(uploadUrl, {
      method: "PUT",
      body: "abc",
      headers: { "content-range": "bytes 0-2/3" },
    });
    expect(withoutAuth.status).toBe(201);
  });

  it("takes an upload session's byte ranges in order, each at most 4 MB, and attaches the file once the last arrives", async () => {
    const draft = await graph("/me/messages", {
      method: "POST",
      body: Buffer.from(mime(5002)).toString("base64"),
      headers: { "content-type": "text/plain" },
    });
    const id = (draft.body as { id: string }).id;
    const file = Buffer.alloc(5_000_000, 7);
    const created = await graph(`/me/messages/${id}/attachments/createUploadSession`, {
      method: "POST",
      body: JSON.stringify({ AttachmentItem: { attachmentType: "file", name: "f.bin", size: file.length } }),
      headers: { "content-type": "application/json" },
    });
    expect(created.body).toMatchObject({ nextExpectedRanges: ["0-"] });
    const uploadUrl = (created.body as { uploadUrl: string }).uploadUrl;
    const put = (start: number, end: number) =>
      fetch(uploadUrl, {
        method: "PUT",
        body: file.subarray(start, end + 1),
        headers: { "content-range": `bytes ${start}-${end}/${file.length}` },
      });
    expect((await put(0, 4_000_000)).status).toBe(413);
    expect((await put(1000, 1999)).status).toBe(416);
    const first = await put(0, 2_097_151);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ nextExpectedRanges: ["2097152-"] });
    expect(session.fake.mailbox(ADA).messages.get(id)?.draftAttachments).toEqual([]);
    expect((await put(2_097_152, file.length - 1)).status).toBe(201);
    expect(session.fake.mailbox(ADA).messages.get(id)?.draftAttachments[0]?.content.equals(file)).toBe(true);
  });

  it("lists and finds Teams chat items with the mail when no folder is named (Graph's known issue), in a folder outside msgfolderroot", async () => {
    const CAROL = "carol@contoso.test";
    const carol = session.fake.hostedMailbox(CAROL) ?? session.fake.addMailbox(CAROL);
    carol.messages.clear();
    await session.fake.seed(CAROL, mime(1));
    const chat = await carol.addTeamsChat({
      from: "Bob <bob@contoso.test>",
      text: "Item: lunch at noon?",
      sentDateTime: "2026-01-02T12:00:00Z",
    });
    token = session.fake.issueAccessToken(CAROL, 3600);
    const subjects = (answer: { body: Record<string, unknown> }) =>
      (answer.body.value as Array<{ subject: string }>).map((m) => m.subject).sort();
    expect(subjects(await graph("/me/messages?$select=subject"))).toEqual(["IM", "Item 1"]);
    expect(subjects(await graph('/me/messages?$search="item"&$select=subject'))).toEqual(["IM", "Item 1"]);
    expect(subjects(await graph("/me/mailFolders/inbox/messages?$select=subject"))).toEqual(["Item 1"]);
    const folder = await graph(`/me/mailFolders/${chat.message.parentFolderId}`);
    expect(folder.body).toMatchObject({ displayName: "TeamsMessagesData", parentFolderId: carol.rootFolder.id });
    const top = await graph("/me/mailFolders/msgfolderroot?$select=id");
    expect(top.body).toEqual({ id: carol.folderId("msgfolderroot") });
    expect((await graph("/me/mailFolders/inbox?$select=parentFolderId")).body.parentFolderId).toBe(top.body.id);
    expect((await graph(`/me/mailFolders/${carol.rootFolder.id}`)).body.parentFolderId).toBeNull();
  });

  it("files a sent draft in Sent Items some time after the send's 202 (its id answers 404 meanwhile), and delivers it then", async () => {
    const DAVE = "dave@contoso.test";
    const dave = session.fake.hostedMailbox(DAVE) ?? session.fake.addMailbox(DAVE);
    const draft = await graph("/me/messages", {
      method: "POST",
      body: Buffer.from(mime(5004).replace(`To: ${ADA}`, `To: ${DAVE}`)).toString("base64"),
      headers: { "content-type": "text/plain" },
    });
    const id = (draft.body as { id: string }).id;
    expect(session.fake.sentCopyDelayMs).toBe(300);
    const sentAt = Date.now();
    expect((await graph(`/me/messages/${id}/send`, { method: "POST" })).status).toBe(202);
    expect((await graph(`/me/messages/${id}?$select=id`)).status).toBe(404);
    expect(dave.messages.size).toBe(0);
    await session.fake.settled();
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    const copy = await graph(`/me/messages/${id}?$select=id,isDraft,parentFolderId`);
    expect(copy.body).toMatchObject({
      id,
      isDraft: false,
      parentFolderId: session.fake.mailbox(ADA).folderId("sentitems"),
    });
    expect(dave.messages.size).toBe(1);
  });

  it("deletes a message with DELETE (204): it leaves every folder, and its id then answers 404", async () => {
    const draft = await graph("/me/messages", {
      method: "POST",
      body: Buffer.from(mime(5003)).toString("base64"),
      headers: { "content-type": "text/plain" },
    });
    const id = (draft.body as { id: string }).id;
    expect((await graph(`/me/messages/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(session.fake.mailbox(ADA).messages.has(id)).toBe(false);
    expect((await graph(`/me/messages/${id}`)).status).toBe(404);
    expect((await graph(`/me/messages/${id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("lists the folders below msgfolderroot one level a request, hidden ones only when asked, with counts and no wellKnownName, 10 a page unless $top says otherwise", async () => {
    const eve = session.fake.addMailbox("eve@contoso.test");
    token = session.fake.issueAccessToken("eve@contoso.test", 3600);
    const projects = eve.addFolder("Projects");
    eve.addFolder("2026", { parentFolderId: projects.id });
    eve.addFolder("Sync state", { isHidden: true });
    for (let i = 0; i < 6; i++) eve.addFolder(`Folder ${i}`);
    await session.fake.seed("eve@contoso.test", mime(9001), { folder: projects, isRead: false });
    type Listed = { value: Array<Record<string, unknown>>; "@odata.nextLink"?: string };
    const first = (await graph("/me/mailFolders")).body as unknown as Listed;
    expect(first.value).toHaveLength(10);
    const rest = (
      await graph(
        new URL(first["@odata.nextLink"]!).pathname.slice("/v1.0".length) + new URL(first["@odata.nextLink"]!).search,
      )
    ).body as unknown as Listed;
    const names = [...first.value, ...rest.value].map((folder) => folder.displayName);
    expect(names).toEqual([
      "Inbox",
      "Sent Items",
      "Drafts",
      "Deleted Items",
      "Archive",
      "Projects",
      ...Array.from({ length: 6 }, (_, i) => `Folder ${i}`),
    ]);
    expect(rest["@odata.nextLink"]).toBeUndefined();
    expect(first.value.find((folder) => folder.displayName === "Projects")).toEqual({
      id: projects.id,
      displayName: "Projects",
      parentFolderId: eve.folderId("msgfolderroot"),
      isHidden: false,
      childFolderCount: 1,
      totalItemCount: 1,
      unreadItemCount: 1,
    });
    expect(first.value.every((folder) => !("wellKnownName" in folder))).toBe(true);
    const all = (await graph("/me/mailFolders?$top=50&includeHiddenFolders=true&$select=displayName"))
      .body as unknown as Listed;
    expect(all.value.map((folder) => folder.displayName)).toContain("Sync state");
    expect(Object.keys(all.value[0]!).sort()).toEqual(["displayName", "id"]);
    const children = (await graph(`/me/mailFolders/${projects.id}/childFolders`)).body as unknown as Listed;
    expect(children.value.map((folder) => folder.displayName)).toEqual(["2026"]);
    expect((await graph("/me/mailFolders/inbox")).body).toMatchObject({
      id: eve.folderId("inbox"),
      displayName: "Inbox",
    });
  });

  it("filters messages by conversationId, and refuses it with an $orderby on another property (InefficientFilter)", async () => {
    const stored = [...session.fake.mailbox(ADA).messages.values()][0]!;
    const conversation = stored.message.conversationId;
    const found = await graph(`/me/messages?$filter=conversationId eq '${conversation}'&$select=id,receivedDateTime`);
    expect(found.body.value).toEqual([{ id: stored.message.id, receivedDateTime: stored.message.receivedDateTime }]);
    const ordered = await graph(
      `/me/messages?$filter=conversationId eq '${conversation}'&$orderby=receivedDateTime desc`,
    );
    expect(ordered.status).toBe(400);
    expect(ordered.body.error?.code).toBe("InefficientFilter");
  });
});

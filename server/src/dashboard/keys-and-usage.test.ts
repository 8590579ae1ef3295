// The dashboard's keys and usage, end to end over HTTP (the browser walk is in
// dashboard.browser.test.ts): a key made in the dashboard works over /mcp with exactly its scopes
// and inboxes, is shown once, is revoked at once, and every call shows in the activity log and
// the usage page, without its arguments.
import { afterEach, describe, expect, it } from "vitest";
import { signedUpClient, type DashboardClient } from "../../test/support/dashboard-client.js";
import { postStructured as post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function workspaceWithTwoSandboxes(): Promise<{ person: DashboardClient; inboxIds: string[] }> {
  server = await startTestServer();
  const person = await signedUpClient(server.url.replace(/\/mcp$/u, ""), "ops@example.com");
  for (let i = 0; i < 2; i++)
    expect((await person.post("/dashboard/inboxes/connect/sandbox", {}, "/dashboard/inboxes/connect")).location).toBe(
      "/dashboard/inboxes?done=inbox-added",
    );
  const user = await server.store.findUserByEmail("ops@example.com");
  const workspaceId = (await server.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
  const inboxIds = (await server.store.listInboxes(workspaceId)).map((i) => i.id);
  const page = await person.get("/dashboard/inboxes");
  for (const id of inboxIds) expect(page.text).toContain(id);
  return { person, inboxIds };
}

const keyOf = (page: string) =>
  /id="new-key" class="secret" type="text" readonly value="(mcpe_test_[A-Za-z0-9]{32})"/u.exec(page)?.[1];

describe("keys made in the dashboard", () => {
  it("show once, act with their scopes on their inboxes only, and stop at once when revoked", async () => {
    const { person, inboxIds } = await workspaceWithTwoSandboxes();
    const [allowed, other] = inboxIds as [string, string];
    const created = await person.post("/dashboard/keys", {
      name: "reader",
      scopes: "read:email",
      mode: "test",
      inbox_ids: allowed,
    });
    expect(created.status).toBe(201);
    const key = keyOf(created.text) ?? "";
    expect(key).not.toBe("");
    // Shown once: the list shows only its hint.
    const list = await person.get("/dashboard/keys");
    expect(list.text).not.toContain(key);
    expect(list.text).toContain(`mcpe_test_…${key.slice(-4)}`);

    const listed = await post(server!, toolCall("list_inbox", { inbox_id: allowed, limit: 2 }), { key });
    expect(listed.json).toMatchObject({ result: { structuredContent: { messages: expect.any(Array) } } });
    const elsewhere = await post(server!, toolCall("list_inbox", { inbox_id: other }), { key });
    expect(elsewhere.json).toMatchObject({ result: { isError: true, errorCode: "inbox_not_found" } });
    const send = await post(
      server!,
      toolCall("send_email", { inbox_id: allowed, to: ["a@example.com"], subject: "s", body: "b" }),
      { key },
    );
    expect(send.json).toMatchObject({ result: { isError: true, errorCode: "scope_denied" } });

    const keyId = (await server!.store.listApiKeys((await server!.store.getInbox(allowed))!.workspaceId)).find(
      (k) => k.name === "reader",
    )!.id;
    expect((await person.get(`/dashboard/keys/${keyId}/revoke`)).text).toContain(">Revoke key</button>");
    expect((await person.post(`/dashboard/keys/${keyId}/revoke`, {}, `/dashboard/keys/${keyId}/revoke`)).location).toBe(
      "/dashboard/keys?done=key-revoked",
    );
    expect((await post(server!, toolCall("list_inbox", { inbox_id: allowed }), { key })).status).toBe(401);
  });

  it("refuses a key without a name or a scope, saying which, and makes none", async () => {
    const { person } = await workspaceWithTwoSandboxes();
    const noName = await person.post("/dashboard/keys", { name: "", scopes: "read:email", mode: "test" });
    expect(noName.status).toBe(400);
    expect(noName.text).toContain("Give the key a name.");
    const noScope = await person.post("/dashboard/keys", { name: "nothing", mode: "test" });
    expect(noScope.text).toContain("Give at least one scope");
    const user = await server!.store.findUserByEmail("ops@example.com");
    const workspaceId = (await server!.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
    expect(await server!.store.listApiKeys(workspaceId)).toEqual([]);
  });
});

describe("usage and activity", () => {
  it("logs each agent call with key, tool, inbox, outcome and duration, never its arguments", async () => {
    const { person, inboxIds } = await workspaceWithTwoSandboxes();
    const created = await person.post("/dashboard/keys", {
      name: "agent",
      scopes: ["read:email", "send:email"],
      mode: "test",
    });
    const key = keyOf(created.text) ?? "";
    const [inbox] = inboxIds as [string];
    await post(server!, toolCall("search_emails", { inbox_id: inbox, query: "secret-search-words" }), { key });
    await post(server!, toolCall("read_email", { inbox_id: inbox, message_id: "no-such-message" }), { key });
    // The log is written off the answer's path: wait until both entries are there.
    const user = await server!.store.findUserByEmail("ops@example.com");
    const workspaceId = (await server!.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
    await expect.poll(async () => (await server!.store.listActivity(workspaceId, { limit: 10 })).length).toBe(2);

    const activity = await person.get("/dashboard/activity");
    expect(activity.text).toContain("search_emails");
    expect(activity.text).toContain("message_not_found");
    expect(activity.text).not.toContain("secret-search-words");
    const filtered = await person.get("/dashboard/activity?outcome=message_not_found");
    expect(filtered.text).toContain("read_email");
    expect(filtered.text).not.toContain("<td>search_emails</td>");

    const usage = await person.get("/dashboard/usage");
    expect(usage.text).toContain("Calls this month");
    // Free plan: 2 of its 100 calls a month.
    expect(usage.text).toMatch(/<p class="stat">\s*2 of 100\s*<\/p>/u);
    expect(usage.text).toMatch(/<meter[^>]+max="100"[^>]+value="2">/u);
  });
});

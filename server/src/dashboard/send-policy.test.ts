// The send policy pages over HTTP (the browser walk is in send-policy.browser.test.ts): an owner
// sets the workspace's default and a key's own policy, a bad entry is refused with its problem and
// changes nothing, a member only looks, and the send log shows (escaped) and exports every decision.
import { afterEach, describe, expect, it } from "vitest";
import { dashboardClient, signedUpClient, type DashboardClient } from "../../test/support/dashboard-client.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { createApiKey } from "../admin/operations.js";
import { OPEN_POLICY } from "../send-policy/send-policy.js";
import type { SendDecisionEntry } from "../store/store.js";
import { createInvite } from "./accounts/accounts.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function ownerWithKey(): Promise<{ owner: DashboardClient; workspaceId: string; keyId: string }> {
  server = await startTestServer({ signup: "open" });
  const owner = await signedUpClient(server.url.replace(/\/mcp$/u, ""), "owner@example.com");
  const user = await server.store.findUserByEmail("owner@example.com");
  const workspaceId = (await server.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
  const { record } = await createApiKey(server.store, {
    workspaceId,
    scopes: ["send:email"],
    mode: "test",
    name: "mailer",
    inboxIds: null,
  });
  return { owner, workspaceId, keyId: record.id };
}

/** A member (not an owner) of the workspace, signed in through an invitation. */
async function signedUpMember(workspaceId: string): Promise<DashboardClient> {
  const { token } = await createInvite(server!.store, { workspaceId, role: "member", now: new Date() });
  const member = dashboardClient(server!.url.replace(/\/mcp$/u, ""));
  await member.post(
    "/dashboard/signup",
    { email: "member@example.com", password: "a long enough password", invite: token },
    `/dashboard/signup?invite=${token}`,
  );
  return member;
}

const policyForm = (fields: Record<string, string>) => ({
  allow: "",
  block: "",
  phrases: "",
  max_recipients: "",
  sends_per_hour: "",
  undo_seconds: "",
  ...fields,
});

describe("the send policy page", () => {
  it("saves the workspace's default and a key's own, and returns the key to the default", async () => {
    const { owner, workspaceId, keyId } = await ownerWithKey();
    const saved = await owner.post(
      "/dashboard/send-policy/workspace",
      policyForm({
        block: "Blocked@Example.com\n\nrivals.example\n",
        max_recipients: "5",
        no_attachments: "on",
        undo_seconds: "30",
      }),
      "/dashboard/send-policy",
    );
    expect(saved.location).toBe("/dashboard/send-policy?done=send-policy-saved");
    expect((await owner.get(saved.location!)).text).toContain("The send policy is saved.");
    expect((await server!.store.getWorkspace(workspaceId))!.sendPolicy).toEqual({
      ...OPEN_POLICY,
      blockRecipients: ["blocked@example.com", "rivals.example"],
      maxRecipients: 5,
      noAttachments: true,
      undoSeconds: 30,
    });
    expect((await owner.get("/dashboard/send-policy")).text).toContain(
      "blocked@example.com\nrivals.example</textarea>",
    );

    await owner.post(
      `/dashboard/send-policy/keys/${keyId}`,
      policyForm({ use: "own", allow: "example.org", sends_per_hour: "10", own_domains: "on", require_approval: "on" }),
      "/dashboard/send-policy",
    );
    const keyPolicy = async () =>
      (await server!.store.listApiKeys(workspaceId)).find((key) => key.id === keyId)!.sendPolicy;
    expect(await keyPolicy()).toEqual({
      ...OPEN_POLICY,
      allowRecipients: ["example.org"],
      sendsPerHour: 10,
      ownDomainsOnly: true,
      requireApproval: true,
    });

    await owner.post(`/dashboard/send-policy/keys/${keyId}`, policyForm({ use: "default" }), "/dashboard/send-policy");
    expect(await keyPolicy()).toBeNull();
  });

  it("refuses a bad entry with its problem, keeps what was typed and changes nothing", async () => {
    const { owner, workspaceId } = await ownerWithKey();
    const refused = await owner.post(
      "/dashboard/send-policy/workspace",
      policyForm({ block: "fine.example\nnot an address", max_recipients: "3" }),
      "/dashboard/send-policy",
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(
      "blockRecipients[1]: &#34;not an address&#34; is neither an email address nor a domain",
    );
    expect(refused.text).toContain("fine.example\nnot an address</textarea>");
    const tooMany = await owner.post(
      "/dashboard/send-policy/workspace",
      policyForm({ sends_per_hour: "lots" }),
      "/dashboard/send-policy",
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain("sendsPerHour must be a whole number");
    const tooLong = await owner.post(
      "/dashboard/send-policy/workspace",
      policyForm({ undo_seconds: "3600" }),
      "/dashboard/send-policy",
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain("undoSeconds must be a whole number from 1 to 600");
    expect((await server!.store.getWorkspace(workspaceId))!.sendPolicy).toBeNull();
  });

  it("lets a member see the policies but not change them", async () => {
    const { workspaceId, keyId } = await ownerWithKey();
    const member = await signedUpMember(workspaceId);
    const page = await member.get("/dashboard/send-policy");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Only the workspace's owners change send policies");
    const asWorkspace = await member.post(
      "/dashboard/send-policy/workspace",
      policyForm({ block: "x.example" }),
      "/dashboard/send-policy",
    );
    expect(asWorkspace.status).toBe(403);
    const asKey = await member.post(
      `/dashboard/send-policy/keys/${keyId}`,
      policyForm({ use: "own", block: "x.example" }),
      "/dashboard/send-policy",
    );
    expect(asKey.status).toBe(403);
    expect((await server!.store.getWorkspace(workspaceId))!.sendPolicy).toBeNull();
    expect((await server!.store.listApiKeys(workspaceId))[0]!.sendPolicy).toBeNull();
  });
});

describe("holding an inbox's sends for approval", () => {
  it("lets an owner turn it on and off for one inbox (the Inboxes page shows it); a member only sees it", async () => {
    const { owner, workspaceId } = await ownerWithKey();
    const inbox = await server!.store.createInbox({
      workspaceId,
      mode: "test",
      kind: "sandbox",
      addresses: ["desk@sandbox.example"],
      secret: null,
    });
    expect((await owner.get("/dashboard/send-policy")).text).toMatch(/>\s*Hold every send for approval\s*<\/button>/u);
    const on = await owner.post(
      `/dashboard/send-policy/inboxes/${inbox.id}`,
      { require_approval: "on" },
      "/dashboard/send-policy",
    );
    expect(on.location).toBe("/dashboard/send-policy?done=send-policy-saved");
    expect((await server!.store.getInbox(inbox.id))?.requireApproval).toBe(true);
    expect((await owner.get("/dashboard/inboxes")).text).toContain("sends held for approval</span>");
    const listed = (await owner.get("/dashboard/send-policy")).text;
    expect(listed).toContain("every send waits for a person&#39;s approval");
    expect(listed).toMatch(/>\s*Stop holding its sends\s*<\/button>/u);
    const bad = await owner.post(
      `/dashboard/send-policy/inboxes/${inbox.id}`,
      { require_approval: "yes" },
      "/dashboard/send-policy",
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("require_approval must be");

    const member = await signedUpMember(workspaceId);
    expect((await member.get("/dashboard/send-policy")).text).toContain("every send waits for a person&#39;s approval");
    const refused = await member.post(
      `/dashboard/send-policy/inboxes/${inbox.id}`,
      { require_approval: "off" },
      "/dashboard/send-policy",
    );
    expect(refused.status).toBe(403);
    expect((await server!.store.getInbox(inbox.id))?.requireApproval).toBe(true);

    await owner.post(
      `/dashboard/send-policy/inboxes/${inbox.id}`,
      { require_approval: "off" },
      "/dashboard/send-policy",
    );
    expect((await server!.store.getInbox(inbox.id))?.requireApproval).toBe(false);
  });
});

describe("another workspace", () => {
  it("cannot set a policy on this workspace's key, nor read its send log", async () => {
    const { workspaceId, keyId } = await ownerWithKey();
    await server!.store.recordSendDecision({
      workspaceId,
      at: new Date().toISOString(),
      keyId,
      inboxId: "inbox-1",
      tool: "send_email",
      decision: "allowed",
      rule: null,
      recipients: ["private-recipient@example.com"],
      outcome: "accepted",
      messageId: "m1",
    });
    const stranger = await signedUpClient(server!.url.replace(/\/mcp$/u, ""), "stranger@example.org");
    await stranger.post(
      `/dashboard/send-policy/keys/${keyId}`,
      policyForm({ use: "own", block: "x.example" }),
      "/dashboard/send-policy",
    );
    expect((await server!.store.listApiKeys(workspaceId))[0]!.sendPolicy).toBeNull();
    expect((await stranger.get("/dashboard/send-log")).text).not.toContain("private-recipient@example.com");
  });
});

describe("the send log", () => {
  const decision = (workspaceId: string, keyId: string, i: number): SendDecisionEntry => ({
    workspaceId,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    keyId,
    inboxId: "inbox-1",
    tool: "send_email",
    decision: i % 2 === 0 ? "allowed" : "refused",
    rule: i % 2 === 0 ? null : "block_recipients",
    recipients: [`to${i}@example.com`],
    outcome: i % 2 === 0 ? "accepted" : "send_policy_refused",
    messageId: i % 2 === 0 ? `m${i}` : null,
  });

  it("lists decisions newest first, 50 a page, and exports them all as JSON lines", async () => {
    const { owner, workspaceId, keyId } = await ownerWithKey();
    for (let i = 0; i < 60; i++) await server!.store.recordSendDecision(decision(workspaceId, keyId, i));
    const first = await owner.get("/dashboard/send-log");
    expect(first.text).toContain("to59@example.com");
    expect(first.text).toContain("mailer");
    expect(first.text.indexOf("to59@example.com")).toBeLessThan(first.text.indexOf("to58@example.com"));
    expect(first.text).not.toContain("to9@example.com");
    const older = /href="(\/dashboard\/send-log\?before=\d+)"/u.exec(first.text)?.[1];
    expect(older).toBeDefined();
    const second = await owner.get(older!);
    expect(second.text).toContain("to9@example.com");
    expect(second.text).toContain("to0@example.com");
    expect(second.text).not.toContain("to10@example.com");

    const base = server!.url.replace(/\/mcp$/u, "");
    const exported = await fetch(`${base}/dashboard/send-log.jsonl`, {
      headers: { cookie: [...owner.cookies].map(([name, value]) => `${name}=${value}`).join("; ") },
    });
    expect(exported.headers.get("content-type")).toMatch(/^application\/x-ndjson/u);
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="send-log.jsonl"');
    const lines = (await exported.text())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(await server!.store.listSendDecisions(workspaceId, { limit: 100 }));
    expect(lines).toHaveLength(60);
  });

  it("escapes what agents wrote", async () => {
    const { owner, workspaceId, keyId } = await ownerWithKey();
    await server!.store.recordSendDecision({
      ...decision(workspaceId, keyId, 1),
      recipients: ['"<script>alert(1)</script>"@evil.example'],
      rule: "<img src=x onerror=alert(2)>",
    });
    const page = await owner.get("/dashboard/send-log");
    expect(page.text).not.toContain("<script>alert(1)");
    expect(page.text).not.toContain("<img src=x");
    expect(page.text).toContain("&#34;&#60;script&#62;alert(1)&#60;/script&#62;&#34;@evil.example");
  });
});

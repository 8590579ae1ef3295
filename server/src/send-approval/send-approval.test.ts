// Sends held for approval through /mcp (decision send-approval), on the sandbox and every store: a
// policy requiring approval answers pending_approval with a hold_id and sends nothing; a person's
// approval sends it once, charging the quota then; a rejection sends nothing; get_send_status says
// which; the idempotency_key answers the same hold across the wait; the policy's other rules still
// refuse at once; every decision is in the send log.
import { afterEach, describe, expect, it } from "vitest";
import { callTool, sendsToday, sentSubjects } from "../../test/support/sandbox-tool-calls.js";
import { availableStores, startTestServer, type TestServer } from "../../test/support/test-server.js";
import { hashApiKey } from "../auth/api-keys.js";
import { parseSendPolicy, type SendPolicy } from "../send-policy/send-policy.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function requireApproval(s: TestServer, fields: Partial<SendPolicy> = {}): Promise<void> {
  const parsed = parseSendPolicy({ ...fields, requireApproval: true });
  if (!parsed.ok) throw new Error(parsed.problem);
  await s.store.updateWorkspaceLimits(s.workspaceId, { sendPolicy: parsed.policy });
}

const approvals = (s: TestServer) => s.app.sendApprovals!;

describe.each(availableStores())("sends held for approval through /mcp, on the %s store", (store) => {
  it("holds a send, sends it once when approved, and get_send_status follows it", async () => {
    server = await startTestServer({ store });
    const s = server;
    await requireApproval(s);
    const args = { to: ["alice@example.com"], subject: "Q3 figures", body: "Attached.", idempotency_key: "q3" };
    const held = await callTool(s, "send_email", args);
    expect(held).toMatchObject({
      delivery_status: "pending_approval",
      message_id: null,
      thread_id: null,
      rfc822_message_id: null,
      idempotent_replay: false,
    });
    const holdId = held.hold_id as string;
    expect(holdId).toMatch(/^h-[0-9a-f]{24}$/);
    expect(await sentSubjects(s)).not.toContain("Q3 figures");
    expect(await sendsToday(s)).toBe(0);
    expect(await callTool(s, "get_send_status", { hold_id: holdId })).toEqual({
      hold_id: holdId,
      tool: "send_email",
      status: "pending_approval",
      recipients: ["alice@example.com"],
      held_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      send_at: null,
      decided_at: null,
      message_id: null,
      thread_id: null,
      rfc822_message_id: null,
      failure: null,
    });
    // A retry while it waits is the same hold, not a second one.
    expect(await callTool(s, "send_email", args)).toMatchObject({ hold_id: holdId, idempotent_replay: true });

    const approved = await approvals(s).approve(s.workspaceId, holdId, "owner@example.com");
    expect(approved).toMatchObject({ ok: true, hold: { status: "sent", decidedBy: "owner@example.com" } });
    expect(await approvals(s).approve(s.workspaceId, holdId, "other@example.com")).toEqual({
      ok: false,
      problem: `held send ${holdId} is no longer waiting (it is sent)`,
    });
    expect((await sentSubjects(s)).filter((subject) => subject === "Q3 figures")).toHaveLength(1);
    expect(await sendsToday(s)).toBe(1);
    const status = await callTool(s, "get_send_status", { hold_id: holdId });
    expect(status).toMatchObject({ status: "sent", decided_at: expect.any(String), failure: null });
    expect(status.message_id).toEqual(expect.any(String));
    expect(status.rfc822_message_id).toMatch(/^<.+@.+>$/);
    // The key's retry after the approval still answers the hold, never a second message.
    expect(await callTool(s, "send_email", args)).toMatchObject({ hold_id: holdId, idempotent_replay: true });
    expect((await sentSubjects(s)).filter((subject) => subject === "Q3 figures")).toHaveLength(1);

    const log = await s.store.listSendDecisions(s.workspaceId, { limit: 10 });
    expect(log.map((entry) => [entry.decision, entry.outcome, entry.holdId ?? null, entry.by ?? null])).toEqual([
      ["allowed", "accepted", null, null],
      ["approved", "approved", holdId, "owner@example.com"],
      ["held", "pending_approval", holdId, null],
    ]);
  });

  it("sends nothing when rejected, and refuses at once what the policy's other rules refuse", async () => {
    server = await startTestServer({ store });
    const s = server;
    await requireApproval(s, { blockRecipients: ["rival.example"] });
    expect(await callTool(s, "send_email", { to: ["cfo@rival.example"], subject: "Leak", body: "x" })).toMatchObject({
      isError: true,
      errorCode: "send_policy_refused",
      rule: "recipient_blocked",
    });
    expect(await s.store.listSendHolds(s.workspaceId, { limit: 10 })).toEqual([]);

    const held = await callTool(s, "send_email", { to: ["bob@example.com"], subject: "Invoices", body: "x" });
    const holdId = held.hold_id as string;
    expect(await approvals(s).reject(s.workspaceId, holdId, "owner@example.com")).toMatchObject({
      ok: true,
      hold: { status: "rejected" },
    });
    expect(await approvals(s).approve(s.workspaceId, holdId, "owner@example.com")).toMatchObject({ ok: false });
    expect(await callTool(s, "get_send_status", { hold_id: holdId })).toMatchObject({
      status: "rejected",
      message_id: null,
    });
    expect(await sentSubjects(s)).not.toContain("Invoices");
    expect(await sendsToday(s)).toBe(0);
  });

  it("holds a reply and a draft as they would leave, and sends them as held", async () => {
    server = await startTestServer({ store });
    const s = server;
    await requireApproval(s);
    const listed = await callTool(s, "list_inbox", { limit: 1 });
    const [original] = listed.messages as { id: string; subject: string; from: { address: string } }[];
    const reply = await callTool(s, "reply_to_email", { message_id: original!.id, body: "Sure." });
    expect(reply).toMatchObject({ delivery_status: "pending_approval" });
    expect(await callTool(s, "get_send_status", { hold_id: reply.hold_id })).toMatchObject({
      tool: "reply_to_email",
      recipients: [original!.from.address],
    });
    const draft = await callTool(s, "create_draft", { to: ["carol@example.com"], subject: "Drafted", body: "x" });
    const heldDraft = await callTool(s, "send_draft", { draft_id: draft.draft_id });
    expect(heldDraft).toMatchObject({ delivery_status: "pending_approval" });
    expect(await sentSubjects(s)).not.toContain("Drafted");
    const sentBefore = (await sentSubjects(s)).length;

    for (const holdId of [reply.hold_id, heldDraft.hold_id] as string[])
      expect(await approvals(s).approve(s.workspaceId, holdId, "owner@example.com")).toMatchObject({
        hold: { status: "sent" },
      });
    const sent = await sentSubjects(s);
    expect(sent).toContain("Drafted");
    expect(sent).toHaveLength(sentBefore + 2);
    expect(sent).toContain(`Re: ${original!.subject.replace(/^Re: /iu, "")}`);
  });

  it("fails an approved hold whose key was revoked, sending nothing", async () => {
    server = await startTestServer({ store });
    const s = server;
    await requireApproval(s);
    const held = await callTool(
      s,
      "send_email",
      { to: ["bob@example.com"], subject: "Late", body: "x" },
      s.keys.sendOnly,
    );
    const key = await s.store.findApiKeyByHash(hashApiKey(s.keys.sendOnly));
    await s.store.revokeApiKey(key!.id);
    const approved = await approvals(s).approve(s.workspaceId, held.hold_id as string, "owner@example.com");
    expect(approved).toMatchObject({
      ok: true,
      hold: { status: "failed", outcome: { sent: false, failure: expect.stringMatching(/^key_revoked: /) } },
    });
    expect(await sentSubjects(s)).not.toContain("Late");
  });

  it("holds every send from an inbox that requires approval, with no policy; clearing it is seen at the next call", async () => {
    server = await startTestServer({ store });
    const s = server;
    await s.store.setInboxRequireApproval(s.inbox.id, true);
    const held = await callTool(s, "send_email", { to: ["bob@example.com"], subject: "Via desk", body: "x" });
    expect(held).toMatchObject({ delivery_status: "pending_approval", hold_id: expect.any(String) });
    // Another inbox of the workspace is not held.
    const sibling = await callTool(s, "send_email", {
      inbox_id: s.siblingInbox.id,
      to: ["bob@example.com"],
      subject: "Via sibling",
      body: "x",
    });
    expect(sibling).toMatchObject({ delivery_status: "accepted" });
    expect(await approvals(s).approve(s.workspaceId, held.hold_id as string, "owner@example.com")).toMatchObject({
      ok: true,
      hold: { status: "sent" },
    });
    await s.store.setInboxRequireApproval(s.inbox.id, false);
    expect(await callTool(s, "send_email", { to: ["bob@example.com"], subject: "Direct", body: "x" })).toMatchObject({
      delivery_status: "accepted",
    });
    const subjects = await sentSubjects(s);
    expect(subjects.filter((subject) => subject === "Via desk" || subject === "Direct")).toHaveLength(2);
  });

  it("answers send_hold_not_found for a hold of another inbox, or none", async () => {
    server = await startTestServer({ store });
    const s = server;
    await requireApproval(s);
    const held = await callTool(s, "send_email", { to: ["bob@example.com"], subject: "Mine", body: "x" });
    for (const [inbox, holdId] of [
      [s.siblingInbox.id, held.hold_id],
      [s.inbox.id, "h-000000000000000000000000"],
    ])
      expect(await callTool(s, "get_send_status", { inbox_id: inbox, hold_id: holdId })).toMatchObject({
        isError: true,
        errorCode: "send_hold_not_found",
        content: [{ type: "text", text: `No held send ${holdId} in inbox ${inbox}.` }],
      });
  });
});

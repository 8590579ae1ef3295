// Undo windows through /mcp (decision undo-window), on the sandbox and every store: a policy with an
// undo window answers scheduled with a hold_id and send_at and sends nothing yet; the server sends
// it by itself once send_at has passed, exactly once, charging the quota then; a person can cancel
// it first (nothing is sent) or send it at once; approval, when required too, comes first.
import { afterEach, describe, expect, it } from "vitest";
import {
  callTool,
  sendPolicy,
  sendsToday,
  sentSubjects,
  type ToolAnswer,
} from "../../test/support/sandbox-tool-calls.js";
import { availableStores, startTestServer, type TestServer } from "../../test/support/test-server.js";
import type { SendPolicy } from "../send-policy/send-policy.js";
import { UNDO_WINDOW_ENDED } from "./send-approvals.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withPolicy(s: TestServer, fields: Partial<SendPolicy>): Promise<void> {
  await s.store.updateWorkspaceLimits(s.workspaceId, { sendPolicy: sendPolicy(fields) });
}

/** get_send_status, asked again every 100 ms until the hold leaves `status` (at most 10 s). */
/** The hold's status once it has left every one of `passing` (scheduled, then sending while it goes out). */
async function statusAfter(s: TestServer, holdId: string, passing: string[]): Promise<ToolAnswer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await callTool(s, "get_send_status", { hold_id: holdId });
    if (!passing.includes(answer.status as string) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const countOf = (subjects: string[], subject: string) => subjects.filter((each) => each === subject).length;

describe.each(availableStores())("undo windows through /mcp, on the %s store", (store) => {
  it("answers scheduled, sends nothing in the window, then sends it once by itself and get_send_status says sent", async () => {
    server = await startTestServer({ store });
    const s = server;
    await withPolicy(s, { undoSeconds: 3 });
    const args = { to: ["alice@example.com"], subject: "Minutes", body: "As discussed.", idempotency_key: "minutes" };
    const before = Date.now();
    const scheduled = await callTool(s, "send_email", args);
    expect(scheduled).toMatchObject({
      delivery_status: "scheduled",
      message_id: null,
      rfc822_message_id: null,
      idempotent_replay: false,
    });
    const holdId = scheduled.hold_id as string;
    const sendAt = Date.parse(scheduled.send_at as string);
    expect(sendAt - before).toBeGreaterThanOrEqual(3_000);
    expect(sendAt - before).toBeLessThan(5_000);
    // In the window (the test's own calls may be slow on a loaded machine: judged only before send_at).
    const inWindow = await Promise.all([
      sentSubjects(s),
      sendsToday(s),
      callTool(s, "get_send_status", { hold_id: holdId }),
    ]);
    if (Date.now() < sendAt) {
      expect(inWindow[0]).not.toContain("Minutes");
      expect(inWindow[1]).toBe(0);
      expect(inWindow[2]).toMatchObject({ status: "scheduled", send_at: scheduled.send_at, decided_at: null });
    }

    const sent = await statusAfter(s, holdId, ["scheduled", "sending"]);
    expect(sent).toMatchObject({ status: "sent", failure: null, rfc822_message_id: expect.stringMatching(/^<.+>$/) });
    expect(Date.parse(sent.decided_at as string)).toBeGreaterThanOrEqual(sendAt);
    expect(countOf(await sentSubjects(s), "Minutes")).toBe(1);
    expect(await sendsToday(s)).toBe(1);
    // The agent's retry answers the hold: nothing is sent twice.
    expect(await callTool(s, "send_email", args)).toMatchObject({ hold_id: holdId, idempotent_replay: true });
    expect(countOf(await sentSubjects(s), "Minutes")).toBe(1);
    const log = await s.store.listSendDecisions(s.workspaceId, { limit: 10 });
    expect(log.map((entry) => [entry.decision, entry.outcome, entry.by ?? null])).toEqual([
      ["allowed", "accepted", null],
      ["approved", "approved", UNDO_WINDOW_ENDED],
      ["held", "scheduled", null],
    ]);
  });

  it("sends nothing once a person cancels in the window, and a person may send it at once instead", async () => {
    server = await startTestServer({ store });
    const s = server;
    await withPolicy(s, { undoSeconds: 600 });
    const cancelled = await callTool(s, "send_email", { to: ["bob@example.com"], subject: "Oops", body: "Wrong." });
    const cancelledId = cancelled.hold_id as string;
    expect(await s.app.sendApprovals!.reject(s.workspaceId, cancelledId, "owner@example.com")).toMatchObject({
      ok: true,
      hold: { status: "cancelled", decidedBy: "owner@example.com" },
    });
    expect(await callTool(s, "get_send_status", { hold_id: cancelledId })).toMatchObject({ status: "cancelled" });
    expect(await s.app.sendApprovals!.approve(s.workspaceId, cancelledId, "owner@example.com")).toEqual({
      ok: false,
      problem: `held send ${cancelledId} is no longer waiting (it is cancelled)`,
    });

    const urgent = await callTool(s, "send_email", { to: ["bob@example.com"], subject: "Urgent", body: "Now." });
    const urgentId = urgent.hold_id as string;
    expect(await s.app.sendApprovals!.approve(s.workspaceId, urgentId, "owner@example.com")).toMatchObject({
      ok: true,
      hold: { status: "sent" },
    });
    const subjects = await sentSubjects(s);
    expect(countOf(subjects, "Urgent")).toBe(1);
    expect(subjects).not.toContain("Oops");
    const log = await s.store.listSendDecisions(s.workspaceId, { limit: 10 });
    expect(log.map((entry) => [entry.decision, entry.holdId])).toEqual([
      ["allowed", undefined],
      ["approved", urgentId],
      ["held", urgentId],
      ["cancelled", cancelledId],
      ["held", cancelledId],
    ]);
  });

  it("waits for a person, not the window, when the policy requires approval too", async () => {
    server = await startTestServer({ store });
    const s = server;
    await withPolicy(s, { undoSeconds: 1, requireApproval: true });
    const held = await callTool(s, "send_email", { to: ["carol@example.com"], subject: "Held", body: "Wait." });
    expect(held).toMatchObject({ delivery_status: "pending_approval" });
    expect(held).not.toHaveProperty("send_at");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await callTool(s, "get_send_status", { hold_id: held.hold_id })).toMatchObject({
      status: "pending_approval",
      send_at: null,
    });
    expect(await sentSubjects(s)).not.toContain("Held");
  });
});

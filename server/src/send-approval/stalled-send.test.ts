// A hold an instance claimed for sending and then died on (a crash between decideSendHold and
// finishSendHold) does not say "sending" for ever: once it has been sending for longer than any
// provider's send can last, get_send_status answers failed with an unknown outcome, and the server
// never sends it again by itself. A hold sending for less is left alone.
import { afterEach, describe, expect, it } from "vitest";
import { callTool, sendPolicy, sentSubjects } from "../../test/support/sandbox-tool-calls.js";
import { availableStores, startTestServer, type TestServer } from "../../test/support/test-server.js";
import { SENDING_STALLS_AFTER_MS, STALLED_SEND_FAILURE } from "./stalled-send.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A send held for approval, then claimed for sending `agoMs` ago by an instance that never finished it. */
async function claimedAndAbandoned(s: TestServer, subject: string, agoMs: number): Promise<string> {
  const held = await callTool(s, "send_email", { to: ["alice@example.com"], subject, body: "Figures attached." });
  expect(held).toMatchObject({ delivery_status: "pending_approval" });
  const holdId = held.hold_id as string;
  const claimed = await s.store.decideSendHold(s.workspaceId, holdId, {
    from: "pending_approval",
    to: "sending",
    by: "owner@example.com",
    at: new Date(Date.now() - agoMs).toISOString(),
  });
  expect(claimed?.status).toBe("sending");
  return holdId;
}

describe.each(availableStores())("a held send left sending by a stopped instance, on the %s store", (store) => {
  it("is answered failed with an unknown outcome once it has been sending too long, and is never sent", async () => {
    server = await startTestServer({ store });
    const s = server;
    await s.store.updateWorkspaceLimits(s.workspaceId, { sendPolicy: sendPolicy({ requireApproval: true }) });
    const stalled = await claimedAndAbandoned(s, "Stalled report", SENDING_STALLS_AFTER_MS + 60_000);
    const recent = await claimedAndAbandoned(s, "Recent report", 60_000);

    expect(await callTool(s, "get_send_status", { hold_id: stalled })).toMatchObject({
      status: "failed",
      failure: STALLED_SEND_FAILURE,
      message_id: null,
      rfc822_message_id: null,
    });
    // Settled once, in the store: every later reader (the dashboard, the CLI) sees the same.
    expect((await s.store.getSendHold(s.workspaceId, stalled))?.status).toBe("failed");
    expect(await callTool(s, "get_send_status", { hold_id: recent })).toMatchObject({
      status: "sending",
      failure: null,
    });
    expect(await sentSubjects(s)).not.toContain("Stalled report");
    expect(await sentSubjects(s)).not.toContain("Recent report");
  });
});

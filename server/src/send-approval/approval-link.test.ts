// The emailed one-time approval link, end to end over real SMTP and HTTP: a held send emails the
// workspace's owner a notice through the server's relay; opening the link shows the hold and decides
// nothing; the form's POST approves it (sent once, get_send_status says sent); a second POST decides
// nothing; a tampered, cut or expired link is refused by name.
import { randomBytes } from "node:crypto";
import { afterEach, expect, it } from "vitest";
import { signedUpClient } from "../../test/support/dashboard-client.js";
import { callTool, sentSubjects } from "../../test/support/sandbox-tool-calls.js";
import { startSmtpSink, type SmtpSink } from "../../test/support/smtp-sink.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { addSandboxInbox, createApiKey } from "../admin/operations.js";
import { OPEN_POLICY } from "../send-policy/send-policy.js";
import { signApprovalLink } from "./approval-link-token.js";

let server: TestServer | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await server?.close();
  await sink?.close();
  server = sink = undefined;
});

const PUBLIC_URL = "https://mail.example.test";

it("emails the owner a link that shows the hold, approves it once by its form, and refuses a bad link", async () => {
  sink = await startSmtpSink();
  const secretKey = randomBytes(32);
  server = await startTestServer({
    systemMail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: "mcpemails@example.test" },
    publicUrl: PUBLIC_URL,
    secretKey,
  });
  const s = server;
  const base = s.url.replace(/\/mcp$/u, "");
  await signedUpClient(base, "owner@example.com");
  const owner = await s.store.findUserByEmail("owner@example.com");
  const workspaceId = (await s.store.listMembershipsOfUser(owner!.id))[0]!.workspaceId;
  await s.store.updateWorkspaceLimits(workspaceId, { sendPolicy: { ...OPEN_POLICY, requireApproval: true } });
  const inbox = await addSandboxInbox(s.store, { workspaceId });
  const { key } = await createApiKey(s.store, { workspaceId, scopes: ["read:email", "send:email"], mode: "test" });
  const agent = (name: string, args: Record<string, unknown>) =>
    callTool({ ...s, inbox } as TestServer, name, { inbox_id: inbox.id, ...args }, key);

  const held = await agent("send_email", { to: ["alice@example.com"], subject: "Quarterly <b>report</b>", body: "x" });
  expect(held).toMatchObject({ delivery_status: "pending_approval" });
  for (let waited = 0; sink.received.length === 0 && waited < 10_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const [mail] = sink.received;
  expect(mail?.to).toEqual(["owner@example.com"]);
  expect(mail?.raw).toContain("Subject: A send is waiting for your approval");
  expect(mail?.raw).not.toMatch(/text\/html/iu);
  const path = /https:\/\/mail\.example\.test(\/approve\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/u.exec(
    // The notice is quoted-printable: soft line breaks joined, =XX decoded.
    mail!.raw
      .replace(/=\r?\n/gu, "")
      .replace(/=([0-9A-F]{2})/gu, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
  )?.[1];
  expect(path).toBeDefined();

  const shown = await fetch(`${base}${path}`);
  expect(shown.status).toBe(200);
  expect(shown.headers.get("cache-control")).toBe("no-store");
  expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
  const page = await shown.text();

  // Escaped once: shown as the agent wrote it, never as markup.
  expect(page).toContain("<strong>Quarterly &#60;b&#62;report&#60;/b&#62;</strong>");
  expect(await agent("get_send_status", { hold_id: held.hold_id })).toMatchObject({ status: "pending_approval" });

  const decide = (to: string, decision: string) =>
    fetch(`${base}${to}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
      body: new URLSearchParams({ decision }).toString(),
    });
  const approved = await decide(path!, "approve");
  expect(approved.status).toBe(200);
  expect(await approved.text()).toContain("Approved: the message was sent.");
  expect(await agent("get_send_status", { hold_id: held.hold_id })).toMatchObject({ status: "sent" });
  const again = await decide(path!, "reject");
  expect(again.status).toBe(409);
  expect(await again.text()).toContain("is no longer waiting (it is sent)");
  const subjects = await sentSubjects({ ...s, inbox } as TestServer, key);
  expect(subjects.filter((subject) => subject === "Quarterly <b>report</b>")).toHaveLength(1);
  const log = await s.store.listSendDecisions(workspaceId, { limit: 5 });
  expect(log.find((entry) => entry.decision === "approved")?.by).toBe("an owner, by emailed link");

  const token = path!.slice("/approve?token=".length);
  const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
  expect(await (await fetch(`${base}/approve?token=${tampered}`)).text()).toContain("not one this server signed");
  const cut = await fetch(`${base}/approve?token=${token.split(".")[0]}`);
  expect(cut.status).toBe(400);
  expect(await cut.text()).toContain("not complete");
  const expired = signApprovalLink(secretKey, {
    workspaceId,
    holdId: held.hold_id as string,
    expiresAtMs: Date.now() - 1,
  });
  const late = await fetch(`${base}/approve?token=${expired}`);
  expect(late.status).toBe(410);
  expect(await late.text()).toContain("has expired");
});

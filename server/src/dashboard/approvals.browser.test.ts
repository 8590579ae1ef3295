// Sends held for approval, end to end in a real headless Chromium: the owner turns approval on in the
// Send policy form; an agent's send_email through /mcp is held (pending_approval, nothing sent); the
// owner approves it on the Approvals page; it is delivered once and get_send_status says sent. A
// second send is rejected there, and nothing is delivered. Then the owner swaps approval for an undo
// window: a send is scheduled, cancelled on the page, and nothing is delivered.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  BROWSER_SKIP_REASON,
  chromiumPath,
  launchBrowser,
  openContext,
} from "../../test/support/browser.js";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";
import { addSandboxInbox, createApiKey } from "../admin/operations.js";

const browserPath = chromiumPath();
let browser: Browser;
let server: TestServer;
let base: string;

const describeInBrowser = browserPath === undefined ? describe.skip : describe;
if (browserPath === undefined) console.warn(`approvals.browser.test.ts skipped: it ${BROWSER_SKIP_REASON}`);

type Result = Record<string, unknown>;

describeInBrowser("approving held sends in a browser", () => {
  beforeAll(async () => {
    server = await startTestServer();
    base = server.url.replace(/\/mcp$/u, "");
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("holds an agent's sends until the owner approves one (sent once) and rejects another (nothing sent)", async () => {
    const context = await openContext(browser, base);
    const page = await context.newPage();
    await page.goto("/dashboard/signup");
    await page.getByLabel("Email").fill("owner@example.com");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL("**/dashboard/inboxes?done=welcome");

    await page.getByRole("link", { name: "Send policy" }).click();
    const workspaceForm = page.locator('form[action="/dashboard/send-policy/workspace"]');
    await workspaceForm.getByLabel("Hold every send for a person's approval").check();
    await page.getByRole("button", { name: "Save the workspace default" }).click();
    await page.waitForURL("**/dashboard/send-policy?done=send-policy-saved");

    const user = await server.store.findUserByEmail("owner@example.com");
    const workspaceId = (await server.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
    const inbox = await addSandboxInbox(server.store, { workspaceId });
    const { key } = await createApiKey(server.store, {
      workspaceId,
      scopes: ["read:email", "send:email"],
      mode: "test",
      name: "Agent",
    });
    const agent = async (name: string, args: Result): Promise<Result> => {
      const response = await post(server, toolCall(name, { inbox_id: inbox.id, ...args }), {
        revision: "2025-06-18",
        key,
      });
      const result = (response.json as { result: Result & { structuredContent?: Result } }).result;
      return result.isError === true ? result : (result.structuredContent ?? {});
    };
    const sentSubjects = async () =>
      ((await agent("list_inbox", { folder: "SENT", limit: 100 })).messages as { subject: string }[]).map(
        (message) => message.subject,
      );

    const held = await agent("send_email", {
      to: ["alice@example.com"],
      subject: "Board minutes <draft>",
      body: "Minutes attached.\n<script>alert(1)</script>",
      idempotency_key: "minutes-1",
    });
    expect(held).toMatchObject({ delivery_status: "pending_approval", message_id: null });
    expect(await sentSubjects()).not.toContain("Board minutes <draft>");

    await page.getByRole("link", { name: "Approvals" }).click();
    await page.waitForURL("**/dashboard/approvals");
    const card = page.locator(`[data-hold="${held.hold_id as string}"]`);
    await card.getByText("<script>alert(1)</script>").waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await card.getByRole("button", { name: "Approve and send" }).click();
    await page.waitForURL("**/dashboard/approvals?done=sent");
    await page.getByRole("status").getByText("Approved: the message was sent.").waitFor();
    expect(await card.getByRole("button", { name: "Approve and send" }).count()).toBe(0);

    expect((await sentSubjects()).filter((subject) => subject === "Board minutes <draft>")).toHaveLength(1);
    expect(await agent("get_send_status", { hold_id: held.hold_id })).toMatchObject({
      status: "sent",
      message_id: expect.any(String),
    });
    // The agent's retry with its key is still the same hold: nothing is sent twice.
    expect(
      await agent("send_email", {
        to: ["alice@example.com"],
        subject: "Board minutes <draft>",
        body: "Minutes attached.\n<script>alert(1)</script>",
        idempotency_key: "minutes-1",
      }),
    ).toMatchObject({ hold_id: held.hold_id, idempotent_replay: true });
    expect((await sentSubjects()).filter((subject) => subject === "Board minutes <draft>")).toHaveLength(1);

    const second = await agent("send_email", {
      to: ["mallory@example.com"],
      subject: "Forward all invoices",
      body: "x",
    });
    await page.reload();
    await page
      .locator(`[data-hold="${second.hold_id as string}"]`)
      .getByRole("button", { name: "Reject" })
      .click();
    await page.waitForURL("**/dashboard/approvals?done=rejected");
    expect(await agent("get_send_status", { hold_id: second.hold_id })).toMatchObject({ status: "rejected" });
    expect(await sentSubjects()).not.toContain("Forward all invoices");

    await page.getByRole("link", { name: "Send policy" }).click();
    await workspaceForm.getByLabel("Hold every send for a person's approval").uncheck();
    await workspaceForm.getByLabel(/^Undo window/u).fill("600");
    await page.getByRole("button", { name: "Save the workspace default" }).click();
    await page.waitForURL("**/dashboard/send-policy?done=send-policy-saved");
    const scheduled = await agent("send_email", { to: ["bob@example.com"], subject: "Sent in haste", body: "x" });
    expect(scheduled).toMatchObject({ delivery_status: "scheduled", send_at: expect.any(String) });
    await page.getByRole("link", { name: "Approvals" }).click();
    const window = page.locator(`[data-hold="${scheduled.hold_id as string}"]`);
    await window.getByText("unless cancelled").waitFor();
    await window.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL("**/dashboard/approvals?done=cancelled");
    await page.getByRole("status").getByText("Cancelled: nothing was sent.").waitFor();
    expect(await agent("get_send_status", { hold_id: scheduled.hold_id })).toMatchObject({ status: "cancelled" });
    expect(await sentSubjects()).not.toContain("Sent in haste");
    await context.close();
  }, 90_000);
});

// The send policy page in a real headless Chromium: an owner blocks a domain on the workspace's
// default in the form, saves it, and finds it kept after a reload; the page passes axe.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  BROWSER_SKIP_REASON,
  chromiumPath,
  launchBrowser,
  openContext,
} from "../../test/support/browser.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { OPEN_POLICY } from "../send-policy/send-policy.js";

const browserPath = chromiumPath();
let browser: Browser;
let server: TestServer;
let base: string;

const describeInBrowser = browserPath === undefined ? describe.skip : describe;
if (browserPath === undefined) console.warn(`send-policy.browser.test.ts skipped: it ${BROWSER_SKIP_REASON}`);

describeInBrowser("the send policy page in a browser", () => {
  beforeAll(async () => {
    server = await startTestServer();
    base = server.url.replace(/\/mcp$/u, "");
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("keeps a block list saved on the workspace's default", async () => {
    const context = await openContext(browser, base);
    const page = await context.newPage();
    await page.goto("/dashboard/signup");
    await page.getByLabel("Email").fill("owner@example.com");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL("**/dashboard/inboxes?done=welcome");

    await page.getByRole("link", { name: "Send policy" }).click();
    await page.waitForURL("**/dashboard/send-policy");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.locator("#workspace-block").fill("rivals.example\nboss@example.com");
    await page.getByRole("button", { name: "Save the workspace default" }).click();
    await page.waitForURL("**/dashboard/send-policy?done=send-policy-saved");
    await page.getByRole("status").getByText("The send policy is saved.").waitFor();
    await page.reload();
    expect(await page.locator("#workspace-block").inputValue()).toBe("rivals.example\nboss@example.com");

    const user = await server.store.findUserByEmail("owner@example.com");
    const workspaceId = (await server.store.listMembershipsOfUser(user!.id))[0]!.workspaceId;
    expect((await server.store.getWorkspace(workspaceId))!.sendPolicy).toEqual({
      ...OPEN_POLICY,
      blockRecipients: ["rivals.example", "boss@example.com"],
    });
    await page.getByRole("link", { name: "Send log", exact: true }).click();
    await page.waitForURL("**/dashboard/send-log");
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
});

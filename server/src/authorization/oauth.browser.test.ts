// The OAuth authorization server end to end, as Claude.ai or ChatGPT would use it, in headless
// Chromium: a client registers (dynamic registration, and a client ID metadata document served by
// the test on 127.0.0.1), sends the browser to /authorize, the person signs in and allows one inbox
// on the consent page, the browser lands on the client's callback with the code; the client
// exchanges it with its PKCE verifier, calls list_inbox on /mcp with the access token, rotates its
// refresh token; the person revokes the app under Connected apps and the next call is refused.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  BROWSER_SKIP_REASON,
  chromiumPath,
  launchBrowser,
  openContext,
} from "../../test/support/browser.js";
import { signedUpClient } from "../../test/support/dashboard-client.js";
import { authorizeUrl, pkcePair, registerClient, tokenRequest } from "../../test/support/oauth-client.js";
import { postStructured, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

const browserPath = chromiumPath();
const describeInBrowser = browserPath === undefined ? describe.skip : describe;
if (browserPath === undefined) console.warn(`oauth.browser.test.ts skipped: it ${BROWSER_SKIP_REASON}`);

const PASSWORD = "a long enough password";

/** The client's side on 127.0.0.1: its metadata document and the callback page the browser lands on. */
async function startClientSite(): Promise<{ origin: string; close(): Promise<void> }> {
  let origin = "";
  const site: Server = createServer((request, response) => {
    if (request.url === "/oauth/client.json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          client_id: `${origin}/oauth/client.json`,
          client_name: "Metadata Document App",
          redirect_uris: [`${origin}/callback`],
          token_endpoint_auth_method: "none",
        }),
      );
      return;
    }
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!doctype html><title>Callback</title><p>Back at the app.</p>");
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => site.close(() => resolve())) };
}

describeInBrowser("OAuth end to end in a browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let server: TestServer;
  let clientSite: Awaited<ReturnType<typeof startClientSite>>;
  let base: string;
  const email = `oauth-${randomUUID()}@example.com`;

  beforeAll(async () => {
    [browser, server, clientSite] = await Promise.all([
      launchBrowser(),
      startTestServer({ oauth: { allowLoopbackClientMetadataDocuments: true } }),
      startClientSite(),
    ]);
    base = server.url.replace(/\/mcp$/u, "");
    // The person has a workspace of their own and is an owner of the test workspace, which has the sandbox inboxes.
    await signedUpClient(base, email, PASSWORD);
    const user = await server.store.findUserByEmail(email);
    if (user === undefined) throw new Error("the person was not created");
    await server.store.putMembership({ workspaceId: server.workspaceId, userId: user.id, role: "owner" });
    context = await openContext(browser, base);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await clientSite?.close();
  });

  /** /authorize in the browser (signing in when asked), consent for the first sandbox inbox: the code. */
  async function authorizeInBrowser(clientId: string, challenge: string, state: string): Promise<URL> {
    await page.goto(
      authorizeUrl(base, {
        client_id: clientId,
        redirect_uri: `${clientSite.origin}/callback`,
        response_type: "code",
        code_challenge: challenge,
        code_challenge_method: "S256",
        state,
        scope: "read:email",
        resource: server.url,
      }),
    );
    if (new URL(page.url()).pathname === "/dashboard/login") {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
    }
    await page.waitForURL("**/dashboard/oauth/consent?**");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole("radio", { name: /Workspace Test/u }).check();
    await page.getByLabel(server.inbox.addresses[0] ?? "").check();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(`${clientSite.origin}/callback?**`);
    return new URL(page.url());
  }

  async function connectAndUse(clientId: string, appName: string): Promise<void> {
    const pkce = pkcePair();
    const state = randomUUID();
    const callback = await authorizeInBrowser(clientId, pkce.challenge, state);
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("iss")).toBe(base);
    const code = callback.searchParams.get("code") ?? "";

    const tokens = await tokenRequest(base, {
      grant_type: "authorization_code",
      code,
      code_verifier: pkce.verifier,
      redirect_uri: `${clientSite.origin}/callback`,
      client_id: clientId,
      resource: server.url,
    });
    expect(tokens.status).toBe(200);
    const listInbox = (token: string) =>
      postStructured(server, toolCall("list_inbox", { inbox_id: server.inbox.id, limit: 2 }), { key: token });
    const listed = await listInbox(String(tokens.body.access_token));
    expect(listed.status).toBe(200);
    const result = (listed.json as { result: { isError?: boolean; structuredContent: { messages: unknown[] } } })
      .result;
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent.messages).toHaveLength(2);

    const rotated = await tokenRequest(base, {
      grant_type: "refresh_token",
      refresh_token: String(tokens.body.refresh_token),
      client_id: clientId,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const access = String(rotated.body.access_token);
    expect((await listInbox(access)).status).toBe(200);

    // The person disconnects the app in the dashboard: its next call is refused.
    await page.goto("/dashboard/connected-apps");
    if (!(await page.getByRole("cell", { name: appName }).count())) {
      await page.getByLabel("Workspace", { exact: true }).selectOption({ label: "Test" });
      await page.getByRole("button", { name: "Switch" }).click();
      await page.goto("/dashboard/connected-apps");
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    const row = page
      .getByRole("row")
      .filter({ hasText: appName })
      .filter({ has: page.getByRole("button") });
    await row.getByRole("button", { name: /Revoke/u }).click();
    await page.waitForURL("**/dashboard/connected-apps?done=app-revoked");
    const refused = await listInbox(access);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain(`resource_metadata="${base}/.well-known/`);
  }

  it("registers by DCR, signs in and consents in the browser, calls /mcp, rotates, and is revoked", async () => {
    const registered = await registerClient(base, {
      redirect_uris: [`${clientSite.origin}/callback`],
      client_name: "Registered App",
    });
    expect(registered.status).toBe(201);
    await connectAndUse(String(registered.body.client_id), "Registered App");
  }, 120_000);

  it("does the same for a client known by its metadata document URL", async () => {
    await connectAndUse(`${clientSite.origin}/oauth/client.json`, "Metadata Document App");
  }, 120_000);
});

// The operator's page (#18's limits in the dashboard): only the accounts MCPEMAILS_OPERATORS names
// see it; what they save holds for the workspace's next call over /mcp, and a bad value is refused,
// naming the field, with nothing changed.
import { afterEach, describe, expect, it } from "vitest";
import { signedUpClient } from "../../test/support/dashboard-client.js";
import { post, startTestServer, toolCall, type TestServer } from "../../test/support/test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the operator's page", () => {
  it("changes a workspace's monthly call quota, which its next call over /mcp meets", async () => {
    server = await startTestServer({ operators: ["ops@example.com"] });
    const base = server.url.replace(/\/mcp$/u, "");
    const operator = await signedUpClient(base, "OPS@example.com");
    const page = await operator.get("/dashboard/operator");
    expect(page.status).toBe(200);
    expect(page.text).toContain(server.workspaceId);
    expect(page.text).toContain('href="/dashboard/operator"');

    const saved = await operator.post(
      `/dashboard/operator/workspaces/${server.workspaceId}`,
      { rate_limits: "", calls_per_month: "1", sends_per_day: "" },
      "/dashboard/operator",
    );
    expect(saved.location).toBe("/dashboard/operator?done=limits-saved");
    expect((await server.store.getWorkspace(server.workspaceId))?.callsPerMonthOverride).toBe(1);
    const call = () => post(server!, toolCall("list_inbox", { inbox_id: server!.inbox.id, limit: 1 }));
    expect((await call()).json).not.toMatchObject({ result: { isError: true } });
    expect((await call()).json).toMatchObject({ result: { isError: true, errorCode: "quota_exceeded" } });
  });

  it("refuses a bad value naming its field, and changes nothing", async () => {
    server = await startTestServer({ operators: ["ops@example.com"] });
    const operator = await signedUpClient(server.url.replace(/\/mcp$/u, ""), "ops@example.com");
    const refused = await operator.post(
      `/dashboard/operator/workspaces/${server.workspaceId}`,
      { rate_limits: "lots/fortnight", calls_per_month: "", sends_per_day: "" },
      "/dashboard/operator",
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Rate limits per key");
    expect((await server.store.getWorkspace(server.workspaceId))?.rateLimitsOverride).toBeNull();
  });

  it("is not there for anyone else", async () => {
    server = await startTestServer({ operators: ["ops@example.com"] });
    const owner = await signedUpClient(server.url.replace(/\/mcp$/u, ""), "owner@example.com");
    expect((await owner.get("/dashboard/operator")).location).toBe("/dashboard/inboxes");
    expect((await owner.get("/dashboard/inboxes")).text).not.toContain('href="/dashboard/operator"');
    const attempt = await owner.post(
      `/dashboard/operator/workspaces/${server.workspaceId}`,
      { rate_limits: "", calls_per_month: "0", sends_per_day: "" },
      "/dashboard/inboxes",
    );
    expect(attempt.location).toBe("/dashboard/inboxes");
    expect((await server.store.getWorkspace(server.workspaceId))?.callsPerMonthOverride).toBeNull();
  });
});

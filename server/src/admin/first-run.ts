// On the first start with an empty store: a workspace, a seeded sandbox inbox and a test key, so
// that anyone can try the protocol with no mail account.
import type { Store } from "../store/store.js";
import { addSandboxInbox, createApiKey, createWorkspace } from "./operations.js";

export interface FirstRun {
  workspaceId: string;
  inboxId: string;
  key: string;
}

export async function firstRun(store: Store): Promise<FirstRun | undefined> {
  if ((await store.listWorkspaces()).length > 0) return undefined;
  // Pro, not Free: Free's 100 calls a month would run out within one conformance run.
  const workspace = await createWorkspace(store, { name: "Sandbox", plan: "pro" });
  const inbox = await addSandboxInbox(store, { workspaceId: workspace.id });
  const { key } = await createApiKey(store, {
    workspaceId: workspace.id,
    scopes: ["read:email", "send:email"],
    mode: "test",
    name: "first run",
  });
  return { workspaceId: workspace.id, inboxId: inbox.id, key };
}

export function firstRunMessage(run: FirstRun, url: string): string {
  const claude = { mcpServers: { mcpemails: { url, auth: { type: "bearer", token: run.key } } } };
  return [
    "First start: created a workspace with a sandbox inbox and a test API key.",
    "",
    `  API key (shown once):  ${run.key}`,
    `  Inbox id:              ${run.inboxId}`,
    `  Workspace id:          ${run.workspaceId}`,
    "",
    "Claude Desktop (claude_desktop_config.json):",
    JSON.stringify(claude, null, 2),
    "",
    "MCP Inspector:",
    `  npx @modelcontextprotocol/inspector --cli ${url} --transport http --header "Authorization: Bearer ${run.key}" --method tools/list`,
    "",
    "curl:",
    `  curl -s ${url} -H "Authorization: Bearer ${run.key}" -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \\`,
    `    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_inbox","arguments":{"inbox_id":"${run.inboxId}","limit":5}}}'`,
    "",
  ].join("\n");
}

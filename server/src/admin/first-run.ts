// On the first start with an empty store: a workspace, a seeded sandbox inbox and a test key, so
// that anyone can try the protocol with no mail account.
import type { Store } from "../store/store.js";
import { clientConfigs, type ClientId } from "../dashboard/client-configs.js";
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
    scopes: ["read:email", "send:email", "draft:email"],
    mode: "test",
    name: "first run",
  });
  return { workspaceId: workspace.id, inboxId: inbox.id, key };
}

/** The clients the first-start message shows; the dashboard's "Connect your client" page has them all. */
const FIRST_RUN_CLIENTS: readonly ClientId[] = [
  "claude-desktop",
  "claude-code",
  "cursor",
  "vscode",
  "mcp-inspector",
  "curl",
];

export function firstRunMessage(run: FirstRun, url: string): string {
  const configs = clientConfigs({ url, key: run.key, inboxId: run.inboxId }).filter((config) =>
    FIRST_RUN_CLIENTS.includes(config.id),
  );
  const others = clientConfigs({ url }).filter((config) => !FIRST_RUN_CLIENTS.includes(config.id));
  const lines = [
    "First start: created a workspace with a sandbox inbox and a test API key.",
    "",
    `  API key (shown once):  ${run.key}`,
    `  Inbox id:              ${run.inboxId}`,
    `  Workspace id:          ${run.workspaceId}`,
    "",
  ];
  for (const config of configs) {
    lines.push(
      `${config.title}, in ${config.where === "terminal" ? "a terminal" : config.where}:`,
      indent(config.snippet),
    );
    if (config.note !== undefined) lines.push(`  ${config.note}`);
    lines.push("");
  }
  lines.push(
    `More clients (${others.map((config) => config.title).join(", ")}): ${new URL("/dashboard/connect", url).toString()}`,
    "",
  );
  return lines.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

// The key a test server gives an undo window to, for the runner's --undo-token: read and send,
// under its own policy with undoSeconds (decision undo-window).
import { createApiKey, OPEN_POLICY, type TestServer } from "@mcpemails/server/testing";

export async function createUndoKey(
  server: Pick<TestServer, "store" | "workspaceId">,
  undoSeconds: number,
): Promise<string> {
  const { record, key } = await createApiKey(server.store, {
    workspaceId: server.workspaceId,
    scopes: ["read:email", "send:email"],
    mode: "test",
  });
  await server.store.setApiKeySendPolicy(record.id, { ...OPEN_POLICY, undoSeconds });
  return key;
}

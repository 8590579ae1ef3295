// The key a test server holds sends of for a person's approval, for the runner's --approval-token:
// read and send, under its own policy with requireApproval (decision send-approval).
import { createApiKey, OPEN_POLICY, type TestServer } from "@mcpemails/server/testing";

export async function createApprovalKey(server: Pick<TestServer, "store" | "workspaceId">): Promise<string> {
  const { record, key } = await createApiKey(server.store, {
    workspaceId: server.workspaceId,
    scopes: ["read:email", "send:email"],
    mode: "test",
  });
  await server.store.setApiKeySendPolicy(record.id, { ...OPEN_POLICY, requireApproval: true });
  return key;
}

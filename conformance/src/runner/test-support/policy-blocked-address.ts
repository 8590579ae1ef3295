// The address a test server's send policy refuses, for the runner's --policy-blocked-to: under the
// reserved .invalid domain, so that nothing could ever be delivered there if a server sent anyway.
import { OPEN_POLICY, type TestServer } from "@mcpemails/server/testing";

export const POLICY_BLOCKED_TO = "blocked@policy.invalid";

/** Puts the test server's workspace under a send policy that blocks POLICY_BLOCKED_TO and nothing else. */
export async function blockPolicyAddress(server: Pick<TestServer, "store" | "workspaceId">): Promise<void> {
  await server.store.updateWorkspaceLimits(server.workspaceId, {
    sendPolicy: { ...OPEN_POLICY, blockRecipients: [POLICY_BLOCKED_TO] },
  });
}

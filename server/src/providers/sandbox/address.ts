// The address of a sandbox inbox. Under the reserved .test top-level domain (RFC 2606), so that
// nothing addressed to a sandbox inbox can ever reach a real mail server.
export const SANDBOX_DOMAIN = "sandbox.mcpemails.test";

/** sandbox+<first 8 characters of the inbox id>@sandbox.mcpemails.test */
export function sandboxAddress(inboxId: string): string {
  return `sandbox+${inboxId.slice(0, 8).toLowerCase()}@${SANDBOX_DOMAIN}`;
}

// Dynamic registration is open, as MCP clients expect, so each client address may register only so
// many clients an hour: a stranger cannot fill the store with registrations nobody will use.
import type { Store } from "../store/store.js";

export const REGISTRATIONS_PER_ADDRESS = 30;
export const REGISTRATION_WINDOW_MS = 60 * 60 * 1000;

export async function takeRegistrationAttempt(
  store: Store,
  input: { clientAddress: string; nowMs: number },
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const bucket = Math.floor(input.nowMs / REGISTRATION_WINDOW_MS);
  const expiresAtMs = (bucket + 1) * REGISTRATION_WINDOW_MS;
  const decision = await store.consumeQuota(
    `oauth-register:address:${input.clientAddress}:${bucket}`,
    REGISTRATIONS_PER_ADDRESS,
    expiresAtMs,
  );
  return decision.allowed
    ? { allowed: true }
    : { allowed: false, retryAfterSeconds: Math.ceil((expiresAtMs - input.nowMs) / 1000) };
}

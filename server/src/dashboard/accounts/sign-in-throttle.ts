// Sign-in and sign-up throttling: failed attempts counted per email and per client address in 15-minute
// buckets, in the store (so every instance shares them). An attempt takes a unit before the password
// is checked and gives it back when the password was right, so only failures (and attempts in
// flight) count, and a burst of parallel guesses cannot outrun the count.
import type { Store } from "../../store/store.js";

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const FAILURES_PER_EMAIL = 10;
export const FAILURES_PER_ADDRESS = 50;

export type ThrottleTicket = { allowed: true; release(): Promise<void> } | { allowed: false; retryAfterMs: number };

export async function takeSignInAttempt(
  store: Store,
  input: { email: string; clientAddress: string; nowMs: number },
): Promise<ThrottleTicket> {
  const bucket = Math.floor(input.nowMs / SIGN_IN_WINDOW_MS);
  const expiresAtMs = (bucket + 1) * SIGN_IN_WINDOW_MS;
  const retryAfterMs = expiresAtMs - input.nowMs;
  const byEmail = `sign-in:email:${input.email.toLowerCase()}:${bucket}`;
  const byAddress = `sign-in:address:${input.clientAddress}:${bucket}`;
  if (!(await store.consumeQuota(byEmail, FAILURES_PER_EMAIL, expiresAtMs)).allowed)
    return { allowed: false, retryAfterMs };
  if (!(await store.consumeQuota(byAddress, FAILURES_PER_ADDRESS, expiresAtMs)).allowed) {
    await store.releaseQuota(byEmail);
    return { allowed: false, retryAfterMs };
  }
  return {
    allowed: true,
    async release() {
      await store.releaseQuota(byEmail);
      await store.releaseQuota(byAddress);
    },
  };
}

export const SIGN_UPS_PER_ADDRESS = 20;
export const SIGN_UP_WINDOW_MS = 60 * 60 * 1000;

/** Sign-ups from one client address per hour: each one costs a password hash, which a stranger must not get for free. */
export async function takeSignUpAttempt(
  store: Store,
  input: { clientAddress: string; nowMs: number },
): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const bucket = Math.floor(input.nowMs / SIGN_UP_WINDOW_MS);
  const expiresAtMs = (bucket + 1) * SIGN_UP_WINDOW_MS;
  const decision = await store.consumeQuota(
    `sign-up:address:${input.clientAddress}:${bucket}`,
    SIGN_UPS_PER_ADDRESS,
    expiresAtMs,
  );
  return decision.allowed ? { allowed: true } : { allowed: false, retryAfterMs: expiresAtMs - input.nowMs };
}

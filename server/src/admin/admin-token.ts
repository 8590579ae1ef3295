// The admin token opens every workspace: long enough not to be guessed, compared without telling
// its length or its prefix through timing, and with failed guesses throttled per client address.
import { bearerMatches } from "../auth/bearer-token.js";

export const ADMIN_TOKEN_MIN_LENGTH = 32;
/** Failed attempts one client address may make in a window before every attempt is refused for its rest. */
export const ADMIN_FAILURES_PER_WINDOW = 10;
export const ADMIN_FAILURE_WINDOW_MS = 60_000;
/** Client addresses remembered at once; past it the oldest is forgotten (memory stays bounded under a spray). */
const MAX_TRACKED_CLIENTS = 10_000;

/** Throws naming the variable when the token is too short to be used. */
export function requireStrongAdminToken(token: string): void {
  if (token.length < ADMIN_TOKEN_MIN_LENGTH)
    throw new Error(
      `MCPEMAILS_ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters long (it has ${token.length}); ` +
        "for example: openssl rand -hex 32",
    );
}

export const adminTokenMatches = bearerMatches;

export interface FailureThrottle {
  /** Milliseconds until this client may try again, or 0 when it may try now. */
  waitFor(client: string): number;
  recordFailure(client: string): void;
}

export function createFailureThrottle(now: () => number = Date.now): FailureThrottle {
  const windows = new Map<string, { start: number; failures: number }>();
  const current = (client: string) => {
    const entry = windows.get(client);
    if (entry === undefined || now() - entry.start >= ADMIN_FAILURE_WINDOW_MS) return undefined;
    return entry;
  };
  return {
    waitFor(client) {
      const entry = current(client);
      if (entry === undefined || entry.failures < ADMIN_FAILURES_PER_WINDOW) return 0;
      return entry.start + ADMIN_FAILURE_WINDOW_MS - now();
    },
    recordFailure(client) {
      const entry = current(client);
      if (entry !== undefined) {
        entry.failures++;
        return;
      }
      windows.delete(client);
      if (windows.size >= MAX_TRACKED_CLIENTS) windows.delete(windows.keys().next().value ?? "");
      windows.set(client, { start: now(), failures: 1 });
    },
  };
}

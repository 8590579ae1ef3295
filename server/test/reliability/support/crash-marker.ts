/** A send whose subject holds this makes crash-after-accept-server.ts SIGKILL itself after the provider accepted it. */
export const CRASH_MARKER = "CRASH-AFTER-ACCEPT";

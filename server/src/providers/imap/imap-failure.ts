// The IMAP server's errors in the provider failure taxonomy (core/provider-failure.ts): a refused
// login is auth, a throttle is rate_limited, a connection gone or a timeout is unavailable, any other
// answer (NO, BAD, a reply imapflow could not read, a TLS or DNS failure) is refused, in the
// server's own words without the password. imapflow gives each of its errors a code or the server's
// response status (its ImapFlowErrorCode); an error with neither is this server's own bug.
import { ConnectError } from "../provider-apps.js";
import { ProviderFailure } from "../core/provider-failure.js";
import { isAuthFailure, isDroppedConnection, serverWords } from "./imap-errors.js";
import type { ImapSettings } from "./imap-settings.js";

/** imapflow's codes for a server that did not answer in time. */
const TIMEOUT_CODES = new Set(["CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT", "LockTimeout"]);

export function imapFailure(
  error: unknown,
  settings: Pick<ImapSettings, "password">,
  inboxId: string,
): ProviderFailure | undefined {
  // This server's own refusal to dial (mail-network.ts) or an inbox it cannot use as stored.
  if (error instanceof ConnectError) return new ProviderFailure("refused", `inbox ${inboxId}: ${error.message}`);
  if (isAuthFailure(error)) return new ProviderFailure("auth", `the IMAP server of inbox ${inboxId} refused the login`);
  const e = (error ?? {}) as { code?: unknown; responseStatus?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code === undefined && typeof e.responseStatus !== "string") return undefined;
  const words = serverWords(error, settings);
  if (code === "ETHROTTLE")
    return new ProviderFailure("rate_limited", `the IMAP server of inbox ${inboxId} is throttling: ${words}`);
  if (isDroppedConnection(error) || (code !== undefined && TIMEOUT_CODES.has(code)))
    return new ProviderFailure("unavailable", `no answer from the IMAP server of inbox ${inboxId}: ${words}`);
  return new ProviderFailure("refused", `the IMAP server of inbox ${inboxId} answered: ${words}`);
}

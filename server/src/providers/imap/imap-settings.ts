// What an IMAP/SMTP inbox stores (encrypted, in InboxRecord.secret): where its servers are and how
// to log in to them.
import { ConnectError } from "../provider-apps.js";
import type { ImapOAuth } from "./imap-oauth-tokens.js";

/**
 * How the password is protected on the way: "tls" from the first byte (993 for IMAP, 465 for SMTP),
 * "starttls" upgraded before login (refused when the server does not offer it), or "plaintext", never
 * encrypted: only on loopback unless the operator allows it (see mail-network.ts).
 */
export type TransportSecurity = "tls" | "starttls" | "plaintext";

export interface ServerEndpoint {
  host: string;
  port: number;
  security: TransportSecurity;
}

/** Implicit TLS on the ports registered for it (RFC 8314), STARTTLS required everywhere else. */
export function defaultSecurity(role: "IMAP" | "SMTP", port: number): TransportSecurity {
  return port === (role === "IMAP" ? 993 : 465) ? "tls" : "starttls";
}

export interface ImapSettings {
  imap: ServerEndpoint;
  smtp: ServerEndpoint;
  user: string;
  /** Empty when the inbox signs in with OAuth (XOAUTH2). */
  password: string;
  /** The address the inbox sends from and is addressed as. */
  address: string;
  /** Signs in with an access token from this refresh token (XOAUTH2) instead of the password. */
  oauth?: ImapOAuth;
}

/** How many connections one server instance keeps to one inbox, and for how long an idle one stays open. */
export interface ImapPoolOptions {
  maxConnectionsPerInbox: number;
  idleCloseMs: number;
}

export const DEFAULT_IMAP_POOL: ImapPoolOptions = { maxConnectionsPerInbox: 4, idleCloseMs: 60_000 };

export function parseImapSettings(secret: string | null): ImapSettings {
  const value: unknown = secret === null ? null : JSON.parse(secret);
  if (typeof value === "object" && value !== null) {
    const stored = value as Record<string, unknown>;
    stored.imap = withSecurity(stored.imap);
    stored.smtp = withSecurity(stored.smtp);
  }
  if (!isImapSettings(value))
    throw new ConnectError("the stored IMAP settings of this inbox are incomplete; add the inbox again.");
  return value;
}

/**
 * Settings stored before `security` existed said `secure: false` for "STARTTLS when offered";
 * they now require it, so that no stored inbox falls back to a plaintext login.
 */
function withSecurity(endpoint: unknown): unknown {
  if (typeof endpoint !== "object" || endpoint === null || "security" in endpoint) return endpoint;
  const { secure, ...rest } = endpoint as { secure?: unknown };
  return typeof secure === "boolean" ? { ...rest, security: secure ? "tls" : "starttls" } : endpoint;
}

const SECURITIES: readonly unknown[] = ["tls", "starttls", "plaintext"] satisfies TransportSecurity[];

function isImapSettings(value: unknown): value is ImapSettings {
  const endpoint = (e: unknown) =>
    typeof e === "object" &&
    e !== null &&
    typeof (e as ServerEndpoint).host === "string" &&
    Number.isInteger((e as ServerEndpoint).port) &&
    SECURITIES.includes((e as ServerEndpoint).security);
  if (typeof value !== "object" || value === null) return false;
  const settings = value as ImapSettings;
  return (
    endpoint(settings.imap) &&
    endpoint(settings.smtp) &&
    typeof settings.user === "string" &&
    typeof settings.password === "string" &&
    typeof settings.address === "string" &&
    (settings.oauth === undefined || isImapOAuth(settings.oauth))
  );
}

function isImapOAuth(value: unknown): value is ImapOAuth {
  const oauth = value as Partial<ImapOAuth> | null;
  return (
    typeof oauth === "object" &&
    oauth !== null &&
    (oauth.service === "google" || oauth.service === "microsoft") &&
    typeof oauth.refreshToken === "string" &&
    oauth.refreshToken !== ""
  );
}

// What an IMAP/SMTP inbox stores (encrypted, in InboxRecord.secret): where its servers are and how
// to log in to them.
import { ConnectError } from "../provider-apps.js";

export interface ServerEndpoint {
  host: string;
  port: number;
  /** TLS from the first byte (993/465); otherwise plain, upgraded by STARTTLS when the server offers it. */
  secure: boolean;
}

export interface ImapSettings {
  imap: ServerEndpoint;
  smtp: ServerEndpoint;
  user: string;
  password: string;
  /** The address the inbox sends from and is addressed as. */
  address: string;
}

/** How many connections one server instance keeps to one inbox, and for how long an idle one stays open. */
export interface ImapPoolOptions {
  maxConnectionsPerInbox: number;
  idleCloseMs: number;
}

export const DEFAULT_IMAP_POOL: ImapPoolOptions = { maxConnectionsPerInbox: 4, idleCloseMs: 60_000 };

export function parseImapSettings(secret: string | null): ImapSettings {
  const value: unknown = secret === null ? null : JSON.parse(secret);
  if (!isImapSettings(value))
    throw new ConnectError("the stored IMAP settings of this inbox are incomplete; add the inbox again.");
  return value;
}

function isImapSettings(value: unknown): value is ImapSettings {
  const endpoint = (e: unknown) =>
    typeof e === "object" &&
    e !== null &&
    typeof (e as ServerEndpoint).host === "string" &&
    Number.isInteger((e as ServerEndpoint).port) &&
    typeof (e as ServerEndpoint).secure === "boolean";
  if (typeof value !== "object" || value === null) return false;
  const settings = value as ImapSettings;
  return (
    endpoint(settings.imap) &&
    endpoint(settings.smtp) &&
    typeof settings.user === "string" &&
    typeof settings.password === "string" &&
    typeof settings.address === "string"
  );
}

// The IMAP servers other than Dovecot that scripts/imap-servers/ starts (Courier-IMAP, Cyrus IMAP,
// each from Debian with its default configuration), as tests see them: where they listen, their
// users, mail put in over IMAP itself, and an SMTP server that delivers by APPEND to the recipient's
// INBOX, so a send through the provider lands where the other user's provider reads it.
import type { AddressInfo } from "node:net";
import { ImapFlow } from "imapflow";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { ImapSettings } from "../../src/providers/imap/imap-settings.js";

export type OtherImapServer = "courier" | "cyrus";

export const OTHER_IMAP_SERVERS: readonly OtherImapServer[] = ["courier", "cyrus"];

export interface OtherImapRig {
  server: OtherImapServer;
  host: "127.0.0.1";
  imapPort: number;
  /** The password every user of the rig shares (made at start). */
  password: string;
  /** Login names; each user's address is <name>@domain. */
  users: string[];
  domain: string;
}

/** The rig from the env lines of scripts/imap-servers/<server>.sh; undefined when it is not running (and CI is unset). */
export function otherImapRig(server: OtherImapServer): OtherImapRig | undefined {
  const prefix = server.toUpperCase();
  const env = process.env;
  const portValue = env[`${prefix}_IMAP_PORT`];
  if (!portValue) {
    if (env.CI)
      throw new Error(
        `CI is set but ${prefix}_IMAP_PORT is not: run the tests through scripts/test.sh, which starts ${server} (scripts/imap-servers/${server}.sh).`,
      );
    return undefined;
  }
  const missing = ["PASSWORD", "USERS", "DOMAIN"].map((name) => `${prefix}_${name}`).filter((name) => !env[name]);
  if (missing.length > 0)
    throw new Error(
      `${prefix}_IMAP_PORT is set but ${missing.join(", ")} not: export every line scripts/imap-servers/${server}.sh start prints.`,
    );
  const port = Number(portValue);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`${prefix}_IMAP_PORT must be a TCP port, not ${JSON.stringify(portValue)}`);
  return {
    server,
    host: "127.0.0.1",
    imapPort: port,
    password: env[`${prefix}_PASSWORD`] ?? "",
    users: (env[`${prefix}_USERS`] ?? "").split(",").filter((user) => user !== ""),
    domain: env[`${prefix}_DOMAIN`] ?? "",
  };
}

export function addressOf(rig: OtherImapRig, user: string): string {
  return `${user}@${rig.domain}`;
}

/** The login name of one of the rig's addresses, or undefined for any other address. */
function userOf(rig: OtherImapRig, address: string): string | undefined {
  const at = address.lastIndexOf("@");
  const user = address.slice(0, at);
  return address.slice(at + 1).toLowerCase() === rig.domain && rig.users.includes(user) ? user : undefined;
}

/** The provider's settings for a rig user: plain IMAP on loopback, SMTP through startAppendingSmtp's port. */
export function otherImapSettings(rig: OtherImapRig, user: string, smtpPort: number): ImapSettings {
  return {
    imap: { host: rig.host, port: rig.imapPort, security: "plaintext" },
    smtp: { host: rig.host, port: smtpPort, security: "plaintext" },
    user,
    password: rig.password,
    address: addressOf(rig, user),
  };
}

/** An imapflow client logged in as the user (no logging); the caller logs out. */
export async function openOtherImapClient(rig: OtherImapRig, user: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: rig.host,
    port: rig.imapPort,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass: rig.password },
    logger: false,
  });
  await client.connect();
  return client;
}

/** Empties the user's mailbox: every folder but INBOX deleted, INBOX expunged (the scripts reset mail only at start). */
export async function emptyOtherImapMailbox(rig: OtherImapRig, user: string): Promise<void> {
  const client = await openOtherImapClient(rig, user);
  try {
    const folders = await client.list();
    // Children before their parents.
    const deletable = folders
      .filter((folder) => folder.path.toUpperCase() !== "INBOX")
      .sort((a, b) => b.path.length - a.path.length);
    // Courier refuses to delete its Trash ("Cannot delete this folder"): such a folder is emptied instead.
    for (const folder of deletable)
      await client.mailboxDelete(folder.path).catch(() => emptyFolder(client, folder.path));
    await emptyFolder(client, "INBOX");
  } finally {
    await client.logout();
  }
}

async function emptyFolder(client: ImapFlow, path: string): Promise<void> {
  const folder = await client.mailboxOpen(path);
  if (folder.exists > 0) await client.messageDelete("1:*");
}

/** APPENDs raw messages (CRLF line ends) to the user's folder, creating it when missing; oldest first. */
export async function appendOtherImapMessages(
  rig: OtherImapRig,
  user: string,
  folder: string,
  messages: ReadonlyArray<{ raw: string; seen?: boolean }>,
): Promise<void> {
  const client = await openOtherImapClient(rig, user);
  try {
    if (folder.toUpperCase() !== "INBOX" && !(await client.list()).some((each) => each.path === folder))
      await client.mailboxCreate(folder);
    for (const message of messages) {
      if (/(?<!\r)\n/.test(message.raw))
        throw new Error("appendOtherImapMessages: the message has a bare LF; these servers refuse it, use CRLF");
      const appended = await client.append(folder, message.raw, message.seen ? ["\\Seen"] : []);
      if (appended === false) throw new Error(`${rig.server} refused the APPEND to ${folder}`);
    }
  } finally {
    await client.logout();
  }
}

export interface AppendingSmtp {
  port: number;
  close(): Promise<void>;
}

/**
 * An SMTP server on loopback for the rig: AUTH as a rig user, RCPT TO only the rig's addresses,
 * and each message APPENDed to every recipient's INBOX before it answers 250.
 */
export async function startAppendingSmtp(rig: OtherImapRig): Promise<AppendingSmtp> {
  const server = new SMTPServer({
    banner: `MCPEmails test SMTP for ${rig.server}`,
    secure: false,
    disabledCommands: ["STARTTLS"],
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const known = rig.users.includes(auth.username ?? "") && auth.password === rig.password;
      if (known) callback(null, { user: auth.username });
      else callback(smtpError(535, "Authentication failed: wrong user name or password"));
    },
    onRcptTo(address, _session, callback) {
      if (userOf(rig, address.address) === undefined) callback(smtpError(550, `<${address.address}>: no such user`));
      else callback();
    },
    onData(stream, session, callback) {
      deliver(stream, session).then(
        () => callback(null, "Delivered"),
        (error: Error) => callback(error),
      );
    },
  });

  async function deliver(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    for (const rcpt of session.envelope.rcptTo) {
      const user = userOf(rig, rcpt.address);
      if (user === undefined) continue;
      try {
        await appendOtherImapMessages(rig, user, "INBOX", [{ raw }]);
      } catch (error) {
        throw smtpError(451, `Delivery to ${rcpt.address} failed: ${(error as Error).message}`);
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

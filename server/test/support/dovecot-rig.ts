// The Dovecot test rig started by scripts/dovecot.sh, as tests see it: where it listens, users with
// their own empty mailboxes, and mail written straight into their maildirs (IMAP APPEND manages
// about 1,000 messages a second; a maildir file is a few syscalls).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { closeSync, fchownSync, futimesSync, openSync, renameSync, writeSync } from "node:fs";
import { chown, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import type { ImapSettings } from "../../src/providers/imap/imap-settings.js";
import { mailNetworkPolicy } from "../../src/providers/imap/mail-network.js";

export interface DovecotRig {
  host: "127.0.0.1";
  imapPort: number;
  lmtpPort: number;
  /** The rig's folder: a passwd-file per user at root/users/<address>, maildirs at root/mail/<address>/Maildir. */
  root: string;
  /** The password of the initial users (DOVECOT_USERS). */
  password: string;
  /** The initial users' addresses. */
  users: string[];
}

export interface RigUser {
  address: string;
  password: string;
}

export interface MaildirMessage {
  raw: string | Buffer;
  seen?: boolean;
  flagged?: boolean;
  /** Dovecot's INTERNALDATE (the file's mtime); now when absent. */
  receivedAt?: Date;
}

/** Dovecot refuses uid 0 for mail; the rig's config stores all mail as this uid/gid. */
export const RIG_MAIL_UID = 5000;
export const RIG_MAIL_GID = 5000;
export const RIG_DOMAIN = "rig.test";
/** Why rig tests are skipped when dovecotRig() is undefined. */
export const RIG_SKIP_REASON =
  "needs the Dovecot rig: run `bash scripts/dovecot.sh start` and export the lines it prints (scripts/test.sh does)";

/** The rig from the env lines of scripts/dovecot.sh; undefined when it is not running (and CI is unset). */
export function dovecotRig(): DovecotRig | undefined {
  const env = process.env;
  if (!env.DOVECOT_IMAP_PORT) {
    if (env.CI)
      throw new Error(
        "CI is set but DOVECOT_IMAP_PORT is not: run the tests through scripts/test.sh, which starts Dovecot.",
      );
    return undefined;
  }
  const missing = ["DOVECOT_LMTP_PORT", "DOVECOT_ROOT", "DOVECOT_PASSWORD", "DOVECOT_USERS"].filter(
    (name) => !env[name],
  );
  if (missing.length > 0)
    throw new Error(
      `DOVECOT_IMAP_PORT is set but ${missing.join(", ")} not: export every line scripts/dovecot.sh start prints.`,
    );
  return {
    host: "127.0.0.1",
    imapPort: port("DOVECOT_IMAP_PORT", env.DOVECOT_IMAP_PORT),
    lmtpPort: port("DOVECOT_LMTP_PORT", env.DOVECOT_LMTP_PORT ?? ""),
    root: env.DOVECOT_ROOT ?? "",
    password: env.DOVECOT_PASSWORD ?? "",
    users: (env.DOVECOT_USERS ?? "").split(",").filter((user) => user !== ""),
  };
}

function port(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 65535)
    throw new Error(`${name} must be a TCP port, not ${JSON.stringify(value)}`);
  return parsed;
}

/** A new user with its own random password and an empty mailbox, so that each test file has mailboxes no other test touches. */
export async function createRigUser(rig: DovecotRig, prefix = "user"): Promise<RigUser> {
  if (!/^[a-z0-9][a-z0-9._-]{0,40}$/.test(prefix))
    throw new Error(
      `createRigUser: prefix ${JSON.stringify(prefix)} must be lowercase letters, digits, ".", "_" or "-" (at most 41)`,
    );
  const address = `${prefix}-${randomUUID().slice(0, 8)}@${RIG_DOMAIN}`;
  const password = randomBytes(18).toString("base64url");
  await ensureMaildir(maildirOf(rig, address), { userRoot: join(rig.root, "mail", address) });
  // Written aside and renamed in, so Dovecot (which reads the user's passwd-file on each login)
  // never sees half a line; readable by Dovecot's auth process through the folder's group.
  const file = passwdFile(rig, address);
  const { gid } = await stat(join(rig.root, "users"));
  await writeFile(`${file}.tmp`, `${passwdLine(address, password)}\n`, { mode: 0o640 });
  await chown(`${file}.tmp`, 0, gid);
  await rename(`${file}.tmp`, file);
  return { address, password };
}

/** Removes a user createRigUser made, with all its mail (a 100,000-message mailbox takes about 500 MB). */
export async function deleteRigUser(rig: DovecotRig, address: string): Promise<void> {
  if (rig.users.includes(address))
    throw new Error(
      `deleteRigUser: ${address} is one of the rig's initial users (DOVECOT_USERS), which other tests share`,
    );
  await rm(passwdFile(rig, address), { force: true });
  await rm(join(rig.root, "mail", address), { recursive: true, force: true });
}

/** The rig, its relays and the fakes listen on loopback, which a server refuses to dial unless allowed. */
export const LOOPBACK_MAIL_NETWORK = mailNetworkPolicy({ allow: ["127.0.0.0/8", "::1"] });

/** The ImapSettings of a rig user, with SMTP through a relay (smtp-relay.ts) on smtpPort; plain connections on loopback. */
export function imapSettingsFor(rig: DovecotRig, user: RigUser, smtpPort: number): ImapSettings {
  return {
    imap: { host: rig.host, port: rig.imapPort, security: "plaintext" },
    smtp: { host: rig.host, port: smtpPort, security: "plaintext" },
    user: user.address,
    password: user.password,
    address: user.address,
  };
}

/** An imapflow client logged in as the user (plain IMAP on loopback, no logging); the caller logs out. */
export async function openImapClient(rig: DovecotRig, user: RigUser): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: rig.host,
    port: rig.imapPort,
    secure: false,
    auth: { user: user.address, pass: user.password },
    logger: false,
  });
  await client.connect();
  return client;
}

/** Whether the address is a user of the rig (an initial one or one createRigUser made). */
export async function isRigUser(rig: DovecotRig, address: string): Promise<boolean> {
  return (await storedPassword(rig, address)) !== undefined;
}

/** Whether the password is the user's, checked against the passwd file as Dovecot checks it. */
export async function checkRigPassword(rig: DovecotRig, address: string, password: string): Promise<boolean> {
  const stored = await storedPassword(rig, address);
  const match = stored === undefined ? null : /^\{SSHA512\}(.+)$/.exec(stored);
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], "base64");
  const digest = decoded.subarray(0, 64);
  const salt = decoded.subarray(64);
  return digest.length === 64 && timingSafeEqual(digest, ssha512Digest(password, salt));
}

/**
 * Writes messages as maildir files of the user's folder ("INBOX", or a mailbox name such as "Sent";
 * a folder that does not exist yet is created). Seen or flagged messages go to cur/ with their
 * flags, the others to new/. Files are written in tmp/ and renamed in, so a running Dovecot never
 * sees half a message; Dovecot gives them UIDs in the order of their receivedAt.
 */
export async function writeMaildirMessages(
  rig: DovecotRig,
  address: string,
  folder: string,
  messages: readonly MaildirMessage[],
): Promise<void> {
  const userMaildir = maildirOf(rig, address);
  if (!(await exists(userMaildir)))
    throw new Error(
      `writeMaildirMessages: ${address} has no maildir in ${rig.root}; use one of DOVECOT_USERS or createRigUser`,
    );
  const dir = folder === "INBOX" ? userMaildir : join(userMaildir, `.${maildirFolderName(folder)}`);
  await ensureMaildir(dir, { subfolder: folder !== "INBOX" });
  // Synchronous calls in batches: at 100,000 small files, a thread-pool round trip per syscall
  // costs more than the syscall itself; the event loop gets a turn between batches.
  const batch = 500;
  for (let start = 0; start < messages.length; start += batch) {
    for (const message of messages.slice(start, start + batch)) writeOne(dir, message);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let sequence = 0;
const host = `rig${process.pid}x${randomBytes(3).toString("hex")}`;

function writeOne(dir: string, message: MaildirMessage): void {
  const bytes = typeof message.raw === "string" ? Buffer.from(message.raw, "utf8") : message.raw;
  const receivedAt = message.receivedAt ?? new Date();
  const ms = receivedAt.getTime();
  if (Number.isNaN(ms)) throw new Error("writeMaildirMessages: receivedAt is not a valid date");
  const flags = `${message.flagged ? "F" : ""}${message.seen ? "S" : ""}`;
  // Dovecot orders new files by the time in their name (seconds, then microseconds), and reads
  // the size from S= instead of stat()ing every file.
  sequence += 1;
  const unique = `${Math.floor(ms / 1000)}.M${(ms % 1000) * 1000}P${process.pid}Q${sequence}.${host},S=${bytes.length}`;
  const tmpPath = join(dir, "tmp", unique);
  const fd = openSync(tmpPath, "wx", 0o600);
  try {
    writeSync(fd, bytes);
    fchownSync(fd, RIG_MAIL_UID, RIG_MAIL_GID);
    futimesSync(fd, receivedAt, receivedAt);
  } finally {
    closeSync(fd);
  }
  renameSync(tmpPath, flags === "" ? join(dir, "new", unique) : join(dir, "cur", `${unique}:2,${flags}`));
}

/** A mailbox name as its maildir++ folder (".Name"); names that would need hierarchy or mUTF-7 are refused rather than mangled. */
function maildirFolderName(folder: string): string {
  if (!/^[A-Za-z0-9 _-]{1,64}$/.test(folder) || folder.toUpperCase() === "INBOX") {
    throw new Error(
      `writeMaildirMessages: folder ${JSON.stringify(folder)} must be "INBOX" or 1-64 ASCII letters, digits, spaces, "_" or "-"`,
    );
  }
  return folder;
}

/** Creates the maildir (and the folder's maildir++ marker) if missing; all of it belongs to the mail uid. */
async function ensureMaildir(dir: string, options: { userRoot?: string; subfolder?: boolean }): Promise<void> {
  const subdirs = ["cur", "new", "tmp"].map((sub) => join(dir, sub));
  for (const subdir of subdirs) await mkdir(subdir, { recursive: true });
  const paths = [...(options.userRoot ? [options.userRoot] : []), dir, ...subdirs];
  // maildir++ marks a folder with this empty file.
  if (options.subfolder) {
    await writeFile(join(dir, "maildirfolder"), "");
    paths.push(join(dir, "maildirfolder"));
  }
  // Made by root, they must be chowned, or Dovecot cannot write its index there and SELECT
  // silently shows an empty mailbox.
  for (const path of paths) await chown(path, RIG_MAIL_UID, RIG_MAIL_GID);
}

/** Within the characters Dovecot allows in a login name (auth_username_chars): never a path separator. */
function isRigAddress(address: string): boolean {
  return /^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+$/.test(address) && !address.includes("..");
}

function maildirOf(rig: DovecotRig, address: string): string {
  if (!isRigAddress(address)) throw new Error(`not a rig address: ${JSON.stringify(address)}`);
  return join(rig.root, "mail", address, "Maildir");
}

function passwdFile(rig: DovecotRig, address: string): string {
  if (!isRigAddress(address)) throw new Error(`not a rig address: ${JSON.stringify(address)}`);
  return join(rig.root, "users", address);
}

/** The user's password field ({SSHA512}...), or undefined for an address the rig does not have. */
async function storedPassword(rig: DovecotRig, address: string): Promise<string | undefined> {
  if (!isRigAddress(address)) return undefined;
  const line = await readFile(passwdFile(rig, address), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  const [user, password] = (line ?? "").split(":");
  return user === address ? password : undefined;
}

/** A passwd-file line in the format scripts/dovecot.sh writes: the password as {SSHA512}, never in clear. */
function passwdLine(address: string, password: string): string {
  const salt = randomBytes(16);
  return `${address}:{SSHA512}${Buffer.concat([ssha512Digest(password, salt), salt]).toString("base64")}::::::`;
}

function ssha512Digest(password: string, salt: Buffer): Buffer {
  return createHash("sha512").update(password, "utf8").update(salt).digest();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

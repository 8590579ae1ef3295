// Secrets at rest (provider passwords, OAuth refresh tokens, token caches): AES-256-GCM with a
// fresh 12-byte IV per value. The sealed form is a versioned string, `v1:<iv>:<tag>:<ciphertext>`
// (base64 each), so that a later key or algorithm can sit beside it. A context string (the inbox id)
// is bound in as associated data: a sealed value copied onto another record does not open there.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir } from "./private-dir.js";
import type { InboxRecord } from "./store.js";

export const SECRET_KEY_ENV = "MCPEMAILS_SECRET_KEY";
export const SECRET_KEY_FILE = "secret.key";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws when the value was sealed under another key or context, or was altered. */
  open(sealed: string, context: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new RangeError(`the secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === "string" ? part : part.toString("base64")))
        .join(":");
    },
    open(sealed, context) {
      const [version, iv, tag, ciphertext, ...rest] = sealed.split(":");
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
        throw new Error(`not a sealed secret of version ${VERSION}`);
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
      } catch {
        throw new Error("a sealed secret failed authentication: wrong secret key, wrong record, or altered data");
      }
    },
  };
}

/** Reads MCPEMAILS_SECRET_KEY: 64 hex characters, or base64 of 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, "base64");
  throw new Error(`${SECRET_KEY_ENV} must be 64 hex characters or the base64 of 32 bytes`);
}

/**
 * The key from MCPEMAILS_SECRET_KEY or else from <dataDir>/secret.key, which is created (mode 0600)
 * on first use. Every instance sharing a Redis store must be given the same key in the environment:
 * a generated file only serves the processes of one machine (the server and its CLI).
 */
export function resolveSecretKey(options: { dataDir?: string | undefined; env?: NodeJS.ProcessEnv }): Buffer {
  const fromEnv = (options.env ?? process.env)[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return parseSecretKey(fromEnv);
  if (options.dataDir === undefined)
    throw new Error(`set ${SECRET_KEY_ENV} (or give a data directory to keep a generated key in)`);

  ensurePrivateDir(options.dataDir);
  const file = join(options.dataDir, SECRET_KEY_FILE);
  try {
    return parseSecretKeyFile(file);
  } catch (error) {
    if (!isMissingFile(error)) throw error;
  }
  // Written whole to a private temporary file, then linked into place: a server and a CLI starting
  // at the same moment agree on one key, and neither can read a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, `${randomBytes(KEY_BYTES).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(temporary, 0o600); // the umask may have narrowed the mode, never widened it; be explicit
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temporary);
  }
  return parseSecretKeyFile(file);
}

function parseSecretKeyFile(file: string): Buffer {
  const text = readFileSync(file, "utf8");
  try {
    return parseSecretKey(text);
  } catch {
    throw new Error(`${file} does not hold a secret key (64 hex characters); restore it or set ${SECRET_KEY_ENV}`);
  }
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/** The associated data that ties a held send's sealed arguments to that hold. */
export function sendHoldContext(holdId: string): string {
  return `send-hold:${holdId}`;
}

/**
 * A held send's arguments, or null when they can no longer be opened (sealed under a secret key
 * since replaced, or damaged): the hold is still listed and decided, but it can never be sent.
 */
export function openHoldArgs(box: SecretBox, sealed: string, holdId: string): Record<string, unknown> | null {
  try {
    return JSON.parse(box.open(sealed, sendHoldContext(holdId))) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The associated data that ties an inbox's sealed settings to that inbox. */
export function inboxSecretContext(inboxId: string): string {
  return `inbox:${inboxId}`;
}

/** How many hex digits of the sealed value's SHA-1 a stamp keeps (80 bits). */
export const SEALED_STAMP_HEX_DIGITS = 20;

/**
 * InboxRecord.secretStamp of a sealed value: a short hash of it, read without opening it. Each seal
 * uses a fresh random IV, so every write of a secret (even of the same plaintext) has a new stamp.
 * Redis's scripts compute the same in Lua: string.sub(redis.sha1hex(sealed), 1, 20).
 */
export function sealedStamp(sealed: string): string {
  return createHash("sha1").update(sealed, "utf8").digest("hex").slice(0, SEALED_STAMP_HEX_DIGITS);
}

/**
 * An inbox record as an adapter reads it: its secret is opened on first read of record.secret
 * (an enumerable getter, so spreads, JSON and equality see it as before) and remembered, so reading
 * records opens nothing. A secret that does not open (another key, an altered value) throws there.
 */
export function inboxRecordWithSealedSecret(
  fields: Omit<InboxRecord, "secret" | "secretStamp">,
  sealed: string | null,
  box: SecretBox,
): InboxRecord {
  const record = { ...fields, secretStamp: sealed === null ? null : sealedStamp(sealed) } as InboxRecord;
  let opened: string | null | undefined = sealed === null ? null : undefined;
  Object.defineProperty(record, "secret", {
    enumerable: true,
    configurable: true,
    get(): string | null {
      if (opened === undefined && sealed !== null) opened = box.open(sealed, inboxSecretContext(fields.id));
      return opened ?? null;
    },
    set(value: string | null) {
      opened = value;
    },
  });
  return record;
}

// The data directory holds the store and the secret key: readable by this server's user only
// (0700, and 0600 for the SQLite file, whose -wal and -shm files SQLite creates with its mode).
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";

const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory 0700, or makes an existing one 0700 when this user owns it. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Creates the file 0600 if it is missing (without truncating it), or makes it 0600. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    // A directory the operator owns and shares (EPERM) keeps the mode the operator gave it.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
  }
}

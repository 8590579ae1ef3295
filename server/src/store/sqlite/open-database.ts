// One connection to <dataDir>/mcpemails.db, set up so that several processes (the server and the
// CLI) can use the file at once: WAL lets readers run beside the one writer, and the busy timeout
// makes a writer wait for the lock instead of failing with SQLITE_BUSY.
import { join } from "node:path";
import Database from "better-sqlite3";
import { ensurePrivateDir, ensurePrivateFile } from "../private-dir.js";
import { migrate } from "./migrations.js";

export const SQLITE_FILE_NAME = "mcpemails.db";
const BUSY_TIMEOUT_MS = 10_000;

export function openDatabase(dataDir: string): Database.Database {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, SQLITE_FILE_NAME);
  ensurePrivateFile(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    // NORMAL is durable against process crashes in WAL mode; only a power loss may drop the last commits.
    db.pragma("synchronous = NORMAL");
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

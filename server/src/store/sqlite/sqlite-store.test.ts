import { fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SECRET_KEY_ENV, SECRET_KEY_FILE } from "../secrets.js";
import { describeStoreContract } from "../../../test/support/store-contract.js";
import type { Store } from "../store.js";
import { LATEST_SCHEMA_VERSION, migrate } from "./migrations.js";
import { SQLITE_FILE_NAME } from "./open-database.js";
import { openSqliteStore } from "./sqlite-store.js";

const temporaryDirs: string[] = [];
const openStores: Store[] = [];

function temporaryDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mcpemails-sqlite-"));
  temporaryDirs.push(dir);
  return dir;
}

async function open(dataDir: string, secretKey?: Buffer): Promise<Store> {
  const store = await openSqliteStore(secretKey === undefined ? { dataDir } : { dataDir, secretKey });
  openStores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((store) => store.close()));
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describeStoreContract("SQLite", async (options = {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-sqlite-contract-"));
  const store = await openSqliteStore({ dataDir, secretKey: randomBytes(32), ...options });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

describe("SQLite store: the file in the data directory", () => {
  it(`creates <dataDir>/${SQLITE_FILE_NAME} in WAL mode`, async () => {
    const dataDir = temporaryDataDir();
    await open(dataDir, randomBytes(32));
    const raw = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("applies each schema migration once: reopening the file applies nothing again", async () => {
    const dataDir = temporaryDataDir();
    const first = await open(dataDir, randomBytes(32));
    const workspace = await first.createWorkspace({ name: "Kept", plan: "free" });
    await first.close();
    const again = await open(dataDir, randomBytes(32));
    expect(await again.getWorkspace(workspace.id)).toEqual(workspace);
    const raw = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    expect(raw.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    raw.close();
  });

  it("migrating a version 1 file gives the sandbox messages already stored their summaries", async () => {
    const dataDir = temporaryDataDir();
    const inboxId = randomUUID();
    const data = {
      raw: "Subject: Réunion\r\n\r\nHi 😀",
      thread_id: "t1",
      from: null,
      to: [],
      subject: "Réunion",
      size_bytes: 30,
      body_text: "Hi 😀",
    };
    const v1 = new Database(join(dataDir, SQLITE_FILE_NAME));
    expect(migrate(v1, 1)).toEqual([1]);
    const insert = v1.prepare(
      "INSERT INTO sandbox_messages (inbox_id, id, folder, date, unread, data) VALUES (?, ?, ?, ?, ?, ?)",
    );
    insert.run(inboxId, "m1", "INBOX", "2025-01-01T08:00:00.000Z", 1, JSON.stringify(data));
    insert.run(inboxId, "m2", "SENT", "2025-01-02T08:00:00.000Z", 0, JSON.stringify(["not", "an", "object"]));
    v1.close();
    const store = await open(dataDir, randomBytes(32));
    const { raw: _raw, body_text: _body, ...summary } = data;
    expect(await store.listSandboxSummaries(inboxId)).toEqual([
      {
        inboxId,
        id: "m2",
        folder: "SENT",
        date: "2025-01-02T08:00:00.000Z",
        unread: false,
        data: ["not", "an", "object"],
      },
      { inboxId, id: "m1", folder: "INBOX", date: "2025-01-01T08:00:00.000Z", unread: true, data: summary },
    ]);
    expect(await store.getSandboxMessage(inboxId, "m1")).toMatchObject({ data });
  });

  it("migrating a version 3 file keeps its API keys, each for every inbox and never used", async () => {
    const dataDir = temporaryDataDir();
    const v3 = new Database(join(dataDir, SQLITE_FILE_NAME));
    expect(migrate(v3, 3)).toEqual([1, 2, 3]);
    v3.prepare(
      "INSERT INTO api_keys (id, workspace_id, mode, scopes, hash, hint, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).run("k1", "w1", "live", '["read:email"]', "d".repeat(64), "mcpe_live_…dddd", null, "2025-06-01T00:00:00.000Z");
    v3.close();
    const store = await open(dataDir, randomBytes(32));
    expect(await store.findApiKeyByHash("d".repeat(64))).toEqual({
      id: "k1",
      workspaceId: "w1",
      mode: "live",
      scopes: ["read:email"],
      hash: "d".repeat(64),
      hint: "mcpe_live_…dddd",
      name: null,
      inboxIds: null,
      createdAt: "2025-06-01T00:00:00.000Z",
      revokedAt: null,
      lastUsedAt: null,
      sendPolicy: null,
    });
  });

  it("keeps inbox secrets encrypted: neither the row nor the database files hold the plaintext", async () => {
    const dataDir = temporaryDataDir();
    const store = await open(dataDir, randomBytes(32));
    const password = "correct horse battery staple";
    const inbox = await store.createInbox({
      workspaceId: randomUUID(),
      mode: "live",
      kind: "imap",
      addresses: ["me@example.test"],
      secret: JSON.stringify({ password }),
    });

    const raw = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    const row = raw.prepare("SELECT * FROM inboxes WHERE id = ?").get(inbox.id) as Record<string, unknown>;
    raw.close();
    expect(row.sealed_secret).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(row)).not.toContain(password);
    for (const file of [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`]) {
      expect(readFileSync(join(dataDir, file)).includes(password)).toBe(false);
    }
    expect((await store.getInbox(inbox.id))?.secret).toBe(JSON.stringify({ password }));
  });

  it("without a key from the caller or the environment, generates <dataDir>/secret.key (mode 0600) and reuses it", async () => {
    vi.stubEnv(SECRET_KEY_ENV, "");
    const dataDir = temporaryDataDir();
    const first = await open(dataDir);
    const inbox = await first.createInbox({
      workspaceId: randomUUID(),
      mode: "live",
      kind: "gmail",
      addresses: [],
      secret: "refresh-token",
    });
    await first.close();
    expect(statSync(join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);

    const reopened = await open(dataDir);
    expect((await reopened.getInbox(inbox.id))?.secret).toBe("refresh-token");
  });

  it("a store opened with another secret key refuses to read the secrets rather than return garbage", async () => {
    const dataDir = temporaryDataDir();
    const writer = await open(dataDir, randomBytes(32));
    const inbox = await writer.createInbox({
      workspaceId: randomUUID(),
      mode: "live",
      kind: "outlook",
      addresses: [],
      secret: "token cache",
    });
    const reader = await open(dataDir, randomBytes(32));
    // Reading the record opens nothing; its secret is opened, and refused, when it is read.
    const record = await reader.getInbox(inbox.id);
    expect(record?.secretStamp).toBe(inbox.secretStamp);
    expect(() => record?.secret).toThrow(/failed authentication/);
  });
});

describe("SQLite store: two programs on one file (the server and the CLI)", () => {
  it("each sees the other's writes at once: a key created by one, revoked by the other", async () => {
    const dataDir = temporaryDataDir();
    const secretKey = randomBytes(32);
    const [server, cli] = [await open(dataDir, secretKey), await open(dataDir, secretKey)];

    const workspace = await cli.createWorkspace({ name: "Shared", plan: "pro" });
    const key = await cli.createApiKey({
      id: randomUUID(),
      workspaceId: workspace.id,
      mode: "test",
      scopes: ["read:email"],
      hash: "a".repeat(64),
      hint: "mcpe_test_…aaaa",
      name: null,
    });
    expect(await server.findApiKeyByHash(key.hash)).toEqual(key);

    expect(await cli.revokeApiKey(key.id)).toBe(true);
    expect((await server.findApiKeyByHash(key.hash))?.revokedAt).toEqual(expect.any(String));

    const inbox = await server.createInbox({
      workspaceId: workspace.id,
      mode: "live",
      kind: "imap",
      addresses: [],
      secret: "s3cret",
    });
    expect((await cli.getInbox(inbox.id))?.secret).toBe("s3cret");
  });

  it("processes hitting the same keys at the same moment together get exactly each key's limit", async () => {
    const dataDir = temporaryDataDir();
    const secretKey = randomBytes(32);
    await (await open(dataDir, secretKey)).close(); // the file and its schema exist before the race
    // Many keys with a small limit: every key reaching its limit is one more moment where a
    // non-atomic check-then-record would let two processes both take the last place.
    const keyIds = Array.from({ length: 200 }, () => randomUUID());
    const [processes, rounds, limit] = [3, 3, 2];
    const nowMs = Date.now();

    const fixture = fileURLToPath(new URL("./rate-hits-process.ts", import.meta.url));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const children = Array.from({ length: processes }, () =>
      fork(
        fixture,
        [dataDir, secretKey.toString("hex"), keyIds.join(","), String(rounds), String(limit), String(nowMs)],
        {
          execArgv: ["--conditions=@mcpemails/source", "--import", tsx],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        },
      ),
    );
    const nextMessage = (child: (typeof children)[number]) =>
      new Promise<unknown>((resolve, reject) => {
        child.once("message", resolve);
        child.once("exit", (code) => reject(new Error(`a rate-hits process exited with ${code} before answering`)));
      });

    await Promise.all(children.map(nextMessage)); // every process has opened the store
    const reports = Promise.all(children.map(nextMessage));
    const startAtMs = Date.now() + 100;
    for (const child of children) child.send({ startAtMs });
    const results = (await reports) as { allowed: number; firstHitAtMs: number; lastHitAtMs: number }[];

    expect(results.reduce((sum, result) => sum + result.allowed, 0)).toBe(keyIds.length * limit);
    // The processes did hit the file side by side: every one started before any one finished.
    expect(Math.max(...results.map((result) => result.firstHitAtMs))).toBeLessThan(
      Math.min(...results.map((result) => result.lastHitAtMs)),
    );
  });
});

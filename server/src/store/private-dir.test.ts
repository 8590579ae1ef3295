import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorkspace } from "../admin/operations.js";
import { resolveSecretKey } from "./secrets.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("the data directory", () => {
  it("is created 0700, with the SQLite file and its WAL 0600", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "mcpemails-private-")), "nested", "data");
    const store = await openSqliteStore({ dataDir });
    await createWorkspace(store, { name: "Private", plan: "free" });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, "mcpemails.db"))).toBe(0o600);
    expect(existsSync(join(dataDir, "mcpemails.db-wal"))).toBe(true);
    expect(mode(join(dataDir, "mcpemails.db-wal"))).toBe(0o600);
    await store.close();
  });

  it("made 0755 by an older version (or a 022 umask) is tightened to 0700, its files to 0600", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mcpemails-private-"));
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o755);
    const first = await openSqliteStore({ dataDir });
    await first.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "mcpemails.db"), 0o644);
    const again = await openSqliteStore({ dataDir });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, "mcpemails.db"))).toBe(0o600);
    await again.close();
    resolveSecretKey({ dataDir, env: {} });
    expect(mode(dataDir)).toBe(0o700);
  });
});

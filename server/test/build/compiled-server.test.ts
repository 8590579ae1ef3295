// The server as `pnpm start` and process managers run it: the compiled JavaScript in server/dist
// (built by `pnpm build`, which scripts/test.sh runs first) under plain node, no tsx, no source
// condition: @mcpemails/generated resolves to its compiled dist/ as well.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboardClient } from "../support/dashboard-client.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const main = join(root, "server/dist/main.js");

// The server's own defaults (SQLite in a fresh data directory), whatever store the test run has.
const { REDIS_URL: _redis, ...environment } = process.env;

let dataDir: string;
beforeAll(() => {
  if (!existsSync(main)) throw new Error("server/dist/main.js is missing: run `pnpm build` first");
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-compiled-"));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the compiled server", () => {
  it("refuses a setting it cannot start with in one line naming it, exit code 2, no stack trace", () => {
    const result = spawnSync(process.execPath, [main], {
      env: { ...environment, PORT: "not-a-port", MCPEMAILS_DATA_DIR: dataDir },
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("mcpemails: cannot start: PORT must be a port number, not not-a-port.\n");
  });

  it("points a stack trace at the TypeScript line, run by plain node without flags", () => {
    // A data directory below a regular file cannot be made: an unexpected failure, with its stack.
    const file = join(dataDir, "a-file");
    writeFileSync(file, "");
    const result = spawnSync(process.execPath, [main], {
      env: { ...environment, PORT: "0", MCPEMAILS_DATA_DIR: join(file, "data") },
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("ENOTDIR");
    expect(result.stderr).toMatch(/at ensurePrivateDir \(.*server\/src\/store\/private-dir\.ts:\d+:\d+\)/);
    expect(result.stderr).not.toMatch(/server\/dist\//);
  });

  it("starts, creates its first workspace and key, and answers tools/call with them", async () => {
    const child = spawn(process.execPath, [main], {
      env: { ...environment, PORT: "0", MCPEMAILS_DATA_DIR: dataDir, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (!/Inbox id:/.test(output) || !/"url":"http:\/\/127\.0\.0\.1:\d+\/mcp"/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/mcp)"/.exec(output)?.[1] ?? "";
      const key = /API key \(shown once\):\s+(\S+)/.exec(output)?.[1] ?? "";
      const inboxId = /Inbox id:\s+(\S+)/.exec(output)?.[1] ?? "";
      const answer = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "list_inbox", arguments: { inbox_id: inboxId, limit: 3 } },
        }),
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { result: { structuredContent?: { messages: unknown[] } } };
      expect(body.result.structuredContent?.messages).toHaveLength(3);

      // The one-time link to the first account: it makes its owner of the first workspace, whose inbox the dashboard lists.
      while (!/\/dashboard\/signup\?invite=/.test(output)) {
        if (Date.now() > deadline) throw new Error(`no first-account link:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const link = new URL(/(http:\/\/127\.0\.0\.1:\d+\/dashboard\/signup\?invite=[\w-]+)/.exec(output)?.[1] ?? "");
      const person = dashboardClient(link.origin);
      const signedUp = await person.post(
        "/dashboard/signup",
        {
          email: "first@example.com",
          password: "a long enough password",
          invite: link.searchParams.get("invite") ?? "",
        },
        `${link.pathname}${link.search}`,
      );
      expect(signedUp.status).toBe(303);
      expect((await person.get("/dashboard/inboxes")).text).toContain(inboxId);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
});

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { API_KEY_PATTERN, RATE_LIMITS } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.js";
import { defaultOriginPolicy } from "../mcp/origin-guard.js";
import { createProviderRegistry } from "../providers/registry.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { ConnectError } from "../providers/provider-apps.js";
import { recordingConnectDeps } from "../../test/support/recording-connect-deps.js";
import { runCli } from "./cli.js";
import { startOAuthConnect, type ConnectDeps } from "./connect-inbox.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
let dataDir: string;
let store: Store;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-cli-"));
  store = await openSqliteStore({ dataDir });
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let connect: ConnectDeps = recordingConnectDeps();
const env: NodeJS.ProcessEnv = { ZOE_IMAP_PASSWORD: "correct horse battery" };

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, store, { out: (l) => out.push(l), err: (l) => err.push(l) }, connect, env);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("pnpm cli", () => {
  it("creates a workspace, a key shown once in the spec's format, and a sandbox inbox, as JSON", async () => {
    const workspace = await cli("workspace", "create", "--name", "Acme", "--plan", "pro", "--json");
    expect(workspace.code).toBe(0);
    const { workspace_id } = JSON.parse(workspace.out) as { workspace_id: string };

    const key = JSON.parse(
      (await cli("key", "create", "--workspace", workspace_id, "--scopes", "read:email,send:email", "--test", "--json"))
        .out,
    ) as { key_id: string; key: string };
    expect(key.key).toMatch(API_KEY_PATTERN);
    expect(key.key.startsWith("mcpe_test_")).toBe(true);
    const listed = (await cli("key", "list", "--workspace", workspace_id, "--json")).out;
    expect(listed).not.toContain(key.key);
    expect(JSON.parse(listed)).toEqual([
      expect.objectContaining({
        key_id: key.key_id,
        mode: "test",
        scopes: ["read:email", "send:email"],
        revoked_at: null,
      }),
    ]);

    const inbox = JSON.parse((await cli("inbox", "add", "sandbox", "--workspace", workspace_id, "--json")).out) as {
      inbox_id: string;
    };
    expect(inbox.inbox_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await cli("inbox", "list", "--workspace", workspace_id, "--json")).out)).toEqual([
      expect.objectContaining({ inbox_id: inbox.inbox_id, kind: "sandbox", mode: "test" }),
    ]);
    expect((await cli("inbox", "remove", inbox.inbox_id)).code).toBe(0);
    expect(JSON.parse((await cli("inbox", "list", "--workspace", workspace_id, "--json")).out)).toEqual([]);
  });

  it("says what is wrong with bad input, and exits 2", async () => {
    expect(await cli("workspace", "create", "--name", "X", "--plan", "gold")).toMatchObject({
      code: 2,
      err: expect.stringContaining('Unknown plan "gold"'),
    });
    expect(await cli("key", "create", "--workspace", "nope", "--scopes", "read:email")).toMatchObject({
      code: 2,
      err: expect.stringContaining("No workspace nope"),
    });
    expect(await cli("key", "create", "--workspace", "nope", "--scopes", "write:email")).toMatchObject({
      code: 2,
      err: expect.stringContaining('Unknown scope "write:email"'),
    });
    expect(await cli("workspace", "create", "--name", "Big", "--plan", "enterprise")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--sends-per-day"),
    });
    expect(await cli("key", "revoke", "no-such-key")).toMatchObject({
      code: 2,
      err: expect.stringContaining("No key no-such-key"),
    });
    expect((await cli("frobnicate")).code).toBe(2);
  });

  it("changes a workspace's rate windows and quotas, shows them in the list, and returns each to the plan's or the server's", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "Limits", "--json")).out) as {
      workspace_id: string;
    };
    const updated = await cli(
      "workspace",
      "update",
      workspace_id,
      "--rate-limits",
      "1000/minute, 50000/day",
      "--calls-per-month",
      "250000",
      "--sends-per-day",
      "500",
    );
    expect(updated).toMatchObject({ code: 0, out: expect.stringContaining("rate limits 1000/minute,50000/day") });
    const listed = JSON.parse((await cli("workspace", "list", "--json")).out) as { workspace_id: string }[];
    expect(listed.find((w) => w.workspace_id === workspace_id)).toEqual({
      workspace_id,
      name: "Limits",
      plan: "free",
      rate_limits: { minute: 1000, day: 50000 },
      calls_per_month: 250000,
      sends_per_day: 500,
    });

    const reset = await cli(
      "workspace",
      "update",
      workspace_id,
      "--rate-limits",
      "server",
      "--calls-per-month",
      "plan",
      "--sends-per-day",
      "plan",
      "--json",
    );
    expect(JSON.parse(reset.out)).toMatchObject({ rate_limits: null, calls_per_month: null, sends_per_day: null });
  });

  it("refuses a limit it cannot read, naming the option, and changes nothing", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "Strict", "--json")).out) as {
      workspace_id: string;
    };
    const refusals: [string[], RegExp][] = [
      [["--rate-limits", "100/fortnight"], /--rate-limits: "100\/fortnight" is not a window/],
      [["--rate-limits", "0/minute"], /"0\/minute" is not a window/],
      [["--rate-limits", "5/minute,6/minute", "--calls-per-month", "9"], /names the minute window twice/],
      [["--calls-per-month", "-1"], /--calls-per-month must be a whole number, or plan/],
      [["--sends-per-day", "lots"], /--sends-per-day must be a whole number, or plan/],
      [[], /Nothing to change: give --rate-limits, --calls-per-month or --sends-per-day/],
    ];
    for (const [options, message] of refusals)
      expect(await cli("workspace", "update", workspace_id, ...options)).toMatchObject({
        code: 2,
        err: expect.stringMatching(message),
      });
    expect(await store.getWorkspace(workspace_id)).toMatchObject({
      rateLimitsOverride: null,
      callsPerMonthOverride: null,
    });
    expect(await cli("workspace", "update", "no-such-workspace", "--calls-per-month", "5")).toMatchObject({
      code: 2,
      err: expect.stringContaining("No workspace no-such-workspace"),
    });
    const enterprise = JSON.parse(
      (await cli("workspace", "create", "--name", "Big", "--plan", "enterprise", "--sends-per-day", "9", "--json")).out,
    ) as { workspace_id: string };
    expect(await cli("workspace", "update", enterprise.workspace_id, "--sends-per-day", "plan")).toMatchObject({
      code: 2,
      err: expect.stringContaining("has no daily send quota of its own"),
    });
  });

  it("adds an IMAP inbox after checking its login, taking the password from the environment, never the command line", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "Imap", "--json")).out) as {
      workspace_id: string;
    };
    const checked: unknown[] = [];
    connect = recordingConnectDeps({ verifyImap: async (settings) => void checked.push(settings) });
    const imap = [
      "inbox",
      "add",
      "imap",
      "--workspace",
      workspace_id,
      "--imap-host",
      "127.0.0.1",
      "--imap-port",
      "10143",
      "--smtp-host",
      "127.0.0.1",
      "--smtp-port",
      "2525",
      "--smtp-security",
      "tls",
      "--user",
      "zoe@imap.example",
    ];
    const added = await cli(...imap, "--password-env", "ZOE_IMAP_PASSWORD", "--json");
    expect(added).toMatchObject({ code: 0, err: "" });
    expect(added.out).not.toContain("correct horse");
    expect(checked).toEqual([
      {
        // No choice given: STARTTLS, required, on a port other than 993.
        imap: { host: "127.0.0.1", port: 10143, security: "starttls" },
        smtp: { host: "127.0.0.1", port: 2525, security: "tls" },
        user: "zoe@imap.example",
        password: "correct horse battery",
        address: "zoe@imap.example",
      },
    ]);
    const { inbox_id } = JSON.parse(added.out) as { inbox_id: string };
    expect(await store.getInbox(inbox_id)).toMatchObject({
      kind: "imap",
      mode: "live",
      addresses: ["zoe@imap.example"],
    });

    expect(await cli(...imap, "--password-env", "UNSET_VARIABLE")).toMatchObject({
      code: 2,
      err: "error: The environment variable UNSET_VARIABLE (--password-env) is not set.",
    });
    expect(
      await cli(...imap.map((a) => (a === "2525" ? "99999" : a)), "--password-env", "ZOE_IMAP_PASSWORD"),
    ).toMatchObject({ code: 2, err: "error: --smtp-port must be a port number (1-65535)." });
    expect(
      await cli(...imap.map((a) => (a === "zoe@imap.example" ? "zoe" : a)), "--password-env", "ZOE_IMAP_PASSWORD"),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('The login "zoe" is not an email address: give the inbox\'s address'),
    });
    connect = recordingConnectDeps({
      verifyImap: async () => Promise.reject(new ConnectError("the SMTP server 127.0.0.1:2525 refused the login")),
    });
    expect(await cli(...imap, "--password-env", "ZOE_IMAP_PASSWORD")).toMatchObject({
      code: 2,
      err: "error: The inbox was not added: the SMTP server 127.0.0.1:2525 refused the login",
    });
    connect = recordingConnectDeps();
  });

  it("prints the link that connects a Gmail or Outlook mailbox: this server's start page for the consent", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "OAuth", "--json")).out) as {
      workspace_id: string;
    };
    const gmail = JSON.parse((await cli("inbox", "connect", "gmail", "--workspace", workspace_id, "--json")).out) as {
      consent_url: string;
    };
    expect(gmail.consent_url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/oauth\/google\/start\?state=/);
    expect((await cli("inbox", "connect", "outlook", "--workspace", workspace_id)).out).toMatch(
      /^Open this link and consent.*\nhttp:\/\/127\.0\.0\.1:3000\/oauth\/microsoft\/start\?state=/s,
    );
    expect(await cli("inbox", "connect", "yahoo", "--workspace", workspace_id)).toMatchObject({
      code: 2,
      err: 'error: Unknown provider "yahoo"; connect gmail or outlook.',
    });
  });

  it("prints, with --imap, the link that connects the mailbox as an IMAP/SMTP inbox signing in with that consent", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "XOAUTH2", "--json")).out) as {
      workspace_id: string;
    };
    const printed = JSON.parse(
      (await cli("inbox", "connect", "gmail", "--imap", "--workspace", workspace_id, "--json")).out,
    ) as { consent_url: string };
    const state = new URL(printed.consent_url).searchParams.get("state") ?? "";
    const started = await startOAuthConnect(store, connect, { kind: "gmail", state });
    expect(started.consentUrl).toMatch(/^https:\/\/google\.example\/imap-consent\?/);
  });

  it("revokes a key from another process, and the running server refuses it at once", async () => {
    const { workspace_id } = JSON.parse((await cli("workspace", "create", "--name", "Live", "--json")).out) as {
      workspace_id: string;
    };
    const { key_id, key } = JSON.parse(
      (await cli("key", "create", "--workspace", workspace_id, "--scopes", "read:email", "--json")).out,
    ) as { key_id: string; key: string };
    const app = await buildApp({
      store,
      providerFor: createProviderRegistry(store),
      originPolicy: defaultOriginPolicy(),
      rateWindows: RATE_LIMITS.windows,
    });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const ping = () =>
      fetch(`${address}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      }).then((r) => r.status);
    try {
      expect(await ping()).toBe(200);
      execFileSync(join(root, "node_modules/.bin/tsx"), ["server/src/admin/cli-main.ts", "key", "revoke", key_id], {
        cwd: root,
        env: { ...process.env, MCPEMAILS_DATA_DIR: dataDir, REDIS_URL: "" },
        stdio: "pipe",
      });
      expect(await ping()).toBe(401);
    } finally {
      await app.close();
    }
  });
});

// pnpm cli user: operators create dashboard accounts and invitation links; every account belongs
// to a workspace (its own, or the one named), and a password is never taken from the command line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../dashboard/accounts/passwords.js";
import { inviteIdOf } from "../dashboard/accounts/accounts.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { runCli } from "./cli.js";

let dataDir: string;
let store: Store;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-cli-users-"));
  store = await openSqliteStore({ dataDir });
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(argv: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    store,
    { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin },
    undefined,
    { MCPEMAILS_PUBLIC_URL: "https://mail-agents.example.org/" },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("pnpm cli user", () => {
  it("creates an owner with a workspace of their own and a generated password shown once", async () => {
    const created = await cli(["user", "create", "--email", "ops@example.org", "--workspace-name", "Ops", "--json"]);
    expect(created.code).toBe(0);
    const result = JSON.parse(created.out) as { user_id: string; workspace_id: string; role: string; password: string };
    expect(result.role).toBe("owner");
    expect((await store.getWorkspace(result.workspace_id))?.name).toBe("Ops");
    const user = await store.findUserByEmail("ops@example.org");
    expect(await verifyPassword(result.password, user?.passwordHash ?? "")).toBe(true);
  });

  it("adds a member to a workspace with the password read from standard input", async () => {
    const owner = JSON.parse((await cli(["user", "create", "--email", "lead@example.org", "--json"])).out) as {
      workspace_id: string;
    };
    const member = await cli(
      [
        "user",
        "create",
        "--email",
        "dev@example.org",
        "--workspace",
        owner.workspace_id,
        "--role",
        "member",
        "--password-stdin",
      ],
      "typed into a pipe, not argv\n",
    );
    expect(member.code).toBe(0);
    expect(member.out).not.toContain("password:");
    const user = await store.findUserByEmail("dev@example.org");
    expect(await verifyPassword("typed into a pipe, not argv", user?.passwordHash ?? "")).toBe(true);
    const listed = JSON.parse((await cli(["user", "list", "--workspace", owner.workspace_id, "--json"])).out) as {
      email: string;
      role: string;
    }[];
    expect(listed.map((m) => [m.email, m.role])).toEqual([
      ["lead@example.org", "owner"],
      ["dev@example.org", "member"],
    ]);
  });

  it("refuses a taken email, an unknown workspace and a bad role, saying which, and creates nothing", async () => {
    await cli(["user", "create", "--email", "taken@example.org"]);
    const users = await store.countUsers();
    expect((await cli(["user", "create", "--email", "TAKEN@example.org"])).err).toContain(
      "An account with this email already exists",
    );
    expect(
      (await cli(["user", "create", "--email", "x@example.org", "--workspace", "no-such-workspace"])).err,
    ).toContain("No workspace no-such-workspace");
    expect((await cli(["user", "create", "--email", "y@example.org", "--role", "admin"])).err).toContain(
      "--role must be owner or member",
    );
    expect(await store.countUsers()).toBe(users);
  });

  it("prints a one-time invitation link on the public URL", async () => {
    const invited = await cli(["user", "invite", "--json"]);
    expect(invited.code).toBe(0);
    const { link, role, workspace_id } = JSON.parse(invited.out) as { link: string; role: string; workspace_id: null };
    expect(link).toMatch(/^https:\/\/mail-agents\.example\.org\/dashboard\/signup\?invite=[\w-]{32}$/u);
    expect([role, workspace_id]).toEqual(["owner", null]);
    const token = new URL(link).searchParams.get("invite") ?? "";
    expect(await store.takeInvite(inviteIdOf(token), Date.now())).toMatchObject({ workspaceId: null, role: "owner" });
    expect(await store.takeInvite(inviteIdOf(token), Date.now())).toBeUndefined();
  });
});

// Tenancy of the dashboard as a property, over real HTTP: three workspaces, each with an owner,
// a member, sandbox inboxes and keys. Any signed-in person, asking any page or sending any form
// about anything of another workspace (its inboxes, keys, members, the workspace itself) sees none
// of it and changes none of it; their own workspace's pages name their own things only.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardClient, signedUpClient, type DashboardClient } from "../../test/support/dashboard-client.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { createApiKey, addSandboxInbox } from "../admin/operations.js";
import { createInvite } from "./accounts/accounts.js";

interface World {
  workspaceId: string;
  people: { client: DashboardClient; email: string; userId: string }[];
  inboxIds: string[];
  addresses: string[];
  keyIds: string[];
  keyNames: string[];
}

let server: TestServer;
let base: string;
const worlds: World[] = [];

beforeAll(async () => {
  server = await startTestServer({ signup: "open" });
  base = server.url.replace(/\/mcp$/u, "");
  for (let w = 0; w < 3; w++) {
    const ownerEmail = `owner${w}@tenant${w}.example`;
    const owner = await signedUpClient(base, ownerEmail);
    const ownerUser = await server.store.findUserByEmail(ownerEmail);
    const workspaceId = (await server.store.listMembershipsOfUser(ownerUser!.id))[0]!.workspaceId;
    const { token } = await createInvite(server.store, { workspaceId, role: "member", now: new Date() });
    const memberEmail = `member${w}@tenant${w}.example`;
    const member = dashboardClient(base);
    const joined = await member.post(
      "/dashboard/signup",
      { email: memberEmail, password: "a long enough password", invite: token },
      `/dashboard/signup?invite=${token}`,
    );
    expect(joined.status).toBe(303);
    const inboxes = [
      await addSandboxInbox(server.store, { workspaceId }),
      await addSandboxInbox(server.store, { workspaceId }),
    ];
    const keys = [
      await createApiKey(server.store, {
        workspaceId,
        scopes: ["read:email"],
        mode: "test",
        name: `reader-of-tenant-${w}`,
      }),
      await createApiKey(server.store, {
        workspaceId,
        scopes: ["send:email"],
        mode: "test",
        name: `sender-of-tenant-${w}`,
      }),
    ];
    worlds.push({
      workspaceId,
      people: [
        { client: owner, email: ownerEmail, userId: ownerUser!.id },
        { client: member, email: memberEmail, userId: (await server.store.findUserByEmail(memberEmail))!.id },
      ],
      inboxIds: inboxes.map((i) => i.id),
      addresses: inboxes.flatMap((i) => i.addresses),
      keyIds: keys.map((k) => k.record.id),
      keyNames: keys.map((k) => k.record.name ?? ""),
    });
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const PAGES = [
  "/dashboard/inboxes",
  "/dashboard/keys",
  "/dashboard/usage",
  "/dashboard/activity",
  "/dashboard/members",
  "/dashboard/connect",
];

type Attempt =
  | { kind: "page"; path: string }
  | { kind: "form"; path: string; fields: Record<string, string | string[]>; formPage: string };

/** Everything a person might try about another workspace's things. */
function attemptsOn(victim: World, i: number): Attempt[] {
  const inbox = victim.inboxIds[i % 2] ?? "";
  const key = victim.keyIds[i % 2] ?? "";
  const person = victim.people[i % 2]?.userId ?? "";
  return [
    { kind: "page", path: `/dashboard/inboxes/${inbox}/remove` },
    { kind: "page", path: `/dashboard/keys/${key}/revoke` },
    { kind: "page", path: `/dashboard/activity?key=${key}` },
    { kind: "form", path: `/dashboard/inboxes/${inbox}/remove`, fields: {}, formPage: "/dashboard/inboxes" },
    { kind: "form", path: `/dashboard/keys/${key}/revoke`, fields: {}, formPage: "/dashboard/keys" },
    { kind: "form", path: `/dashboard/members/${person}/remove`, fields: {}, formPage: "/dashboard/members" },
    {
      kind: "form",
      path: "/dashboard/workspace",
      fields: { workspace_id: victim.workspaceId },
      formPage: "/dashboard/inboxes",
    },
    {
      kind: "form",
      path: "/dashboard/keys",
      fields: { name: "sneaky", scopes: "read:email", mode: "test", inbox_ids: inbox },
      formPage: "/dashboard/keys",
    },
  ];
}

describe("dashboard tenancy", () => {
  it("no one sees or changes anything of another workspace, whatever they ask", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 1 }),
        async (actorWorld, actorIndex, offset, attemptIndex, which) => {
          const own = worlds[actorWorld]!;
          const victim = worlds[(actorWorld + offset) % 3]!;
          const actor = own.people[actorIndex]!.client;
          const attempt = attemptsOn(victim, which)[attemptIndex]!;
          const answer =
            attempt.kind === "page"
              ? await actor.get(attempt.path)
              : await actor.post(attempt.path, attempt.fields, attempt.formPage);
          for (const secret of [
            ...victim.inboxIds,
            ...victim.addresses,
            ...victim.keyNames,
            ...victim.people.map((p) => p.email),
          ])
            expect(answer.text).not.toContain(secret);
          // Their own pages afterwards: still their own workspace, still nothing of the victim's.
          for (const path of PAGES) {
            const page = await actor.get(path);
            expect(page.status).toBe(200);
            for (const secret of [
              ...victim.inboxIds,
              ...victim.addresses,
              ...victim.keyNames,
              ...victim.people.map((p) => p.email),
            ])
              expect(page.text).not.toContain(secret);
          }
        },
      ),
      { numRuns: 25 },
    );
    // Nothing of any workspace changed: every inbox, every key, every membership is as it was made.
    for (const world of worlds) {
      for (const id of world.inboxIds) expect((await server.store.getInbox(id))?.workspaceId).toBe(world.workspaceId);
      const keys = await server.store.listApiKeys(world.workspaceId);
      expect(keys.filter((k) => world.keyIds.includes(k.id)).every((k) => k.revokedAt === null)).toBe(true);
      expect(keys.some((k) => k.name === "sneaky")).toBe(false);
      expect((await server.store.listMembersOfWorkspace(world.workspaceId)).length).toBe(2);
    }
  }, 120_000);
});

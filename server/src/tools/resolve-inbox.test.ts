import { describe, expect, it } from "vitest";
import type { InboxRecord, Store, Workspace } from "../store/store.js";
import { resolveInbox } from "./tool-handlers.js";

const WORKSPACE: Workspace = {
  id: "w1",
  name: "Acme",
  plan: "pro",
  sendsPerDayOverride: null,
  callsPerMonthOverride: null,
  rateLimitsOverride: null,
  sendPolicy: null,
  createdAt: "2026-12-01T00:00:00.000Z",
};
const INBOX = {
  id: "i1",
  workspaceId: "w1",
  mode: "test",
  kind: "sandbox",
  addresses: [],
  secret: null,
} as unknown as InboxRecord;

function countingStore() {
  const reads = { inbox: 0, workspace: 0 };
  const store = {
    getInbox: async (id: string) => (reads.inbox++, id === INBOX.id ? INBOX : undefined),
    getWorkspace: async (id: string) => (reads.workspace++, id === WORKSPACE.id ? WORKSPACE : undefined),
  } as unknown as Store;
  return { store, reads };
}

const caller = { keyId: "k1", mode: "test", scopes: ["read:email"], workspaceId: "w1", plan: "pro" } as const;

describe("resolving a call's inbox", () => {
  it("reuses the workspace the request authenticated with instead of reading it again", async () => {
    const { store, reads } = countingStore();
    const resolved = await resolveInbox(store, "i1", { ...caller, inboxIds: null, workspace: WORKSPACE });
    expect(resolved?.workspace).toBe(WORKSPACE);
    expect(reads).toEqual({ inbox: 1, workspace: 0 });
  });

  it("reads the workspace when the caller brings none", async () => {
    const { store, reads } = countingStore();
    expect((await resolveInbox(store, "i1", caller))?.workspace).toEqual(WORKSPACE);
    expect(reads).toEqual({ inbox: 1, workspace: 1 });
  });

  it("finds no inbox of another workspace, whatever workspace the caller brings", async () => {
    const { store } = countingStore();
    const other = { ...caller, workspaceId: "w2", workspace: { ...WORKSPACE, id: "w2" } };
    expect(await resolveInbox(store, "i1", other)).toBeUndefined();
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImapSettings } from "../providers/imap/imap-settings.js";
import { ConnectError } from "../providers/provider-apps.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { recordingConnectDeps as deps } from "../../test/support/recording-connect-deps.js";
import { addImapInbox, beginOAuthConnect, completeOAuthConnect } from "./connect-inbox.js";
import { createWorkspace } from "./operations.js";

let dataDir: string;
let store: Store;
let workspaceId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-connect-"));
  store = await openSqliteStore({ dataDir });
  workspaceId = (await createWorkspace(store, { name: "Acme", plan: "pro" })).id;
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const settings: ImapSettings = {
  imap: { host: "127.0.0.1", port: 10143, security: "plaintext" },
  smtp: { host: "127.0.0.1", port: 2525, security: "plaintext" },
  user: "zoe@imap.example",
  password: "correct horse",
  address: "zoe@imap.example",
};

const stateOf = (url: string) => new URL(url).searchParams.get("state") ?? "";

describe("adding an IMAP inbox", () => {
  it("logs in first, then stores the settings (encrypted by the store) as a live inbox", async () => {
    const checked: ImapSettings[] = [];
    const inbox = await addImapInbox(
      store,
      { verifyImap: async (s) => void checked.push(s) },
      { workspaceId, settings },
    );
    expect(checked).toEqual([settings]);
    expect(inbox).toMatchObject({ kind: "imap", mode: "live", addresses: ["zoe@imap.example"], workspaceId });
    expect(JSON.parse((await store.getInbox(inbox.id))?.secret ?? "null")).toEqual(settings);
  });

  it("saves nothing when the login is refused, and says which server refused", async () => {
    const before = (await store.listInboxes(workspaceId)).length;
    const refused = {
      verifyImap: async () =>
        Promise.reject(new ConnectError("the IMAP server 127.0.0.1:10143 refused the login of zoe@imap.example")),
    };
    await expect(
      addImapInbox(store, refused, { workspaceId, settings: { ...settings, address: "other@imap.example" } }),
    ).rejects.toThrow("The inbox was not added: the IMAP server 127.0.0.1:10143 refused the login of zoe@imap.example");
    expect((await store.listInboxes(workspaceId)).length).toBe(before);
  });

  it("replaces the settings of the workspace's inbox with the same address, keeping its id", async () => {
    const first = await addImapInbox(store, deps(), {
      workspaceId,
      settings: { ...settings, address: "same@imap.example" },
    });
    const again = await addImapInbox(store, deps(), {
      workspaceId,
      settings: { ...settings, address: "SAME@imap.example", password: "new password" },
    });
    expect(again.id).toBe(first.id);
    expect(JSON.parse((await store.getInbox(first.id))?.secret ?? "null")).toMatchObject({ password: "new password" });
  });

  it("refuses a workspace that does not exist", async () => {
    await expect(addImapInbox(store, deps(), { workspaceId: "nope", settings })).rejects.toThrow("No workspace nope.");
  });
});

describe("connecting a Gmail or Outlook inbox by OAuth consent", () => {
  it("gives a consent URL whose state brings the callback back to the workspace, which then stores the grant", async () => {
    const connect = deps();
    const url = await beginOAuthConnect(store, connect, { workspaceId, kind: "gmail" });
    const inbox = await completeOAuthConnect(store, connect, { kind: "gmail", code: "code-1", state: stateOf(url) });
    expect(connect.consented).toEqual(["code-1"]);
    expect(inbox).toMatchObject({ workspaceId, kind: "gmail", mode: "live", addresses: ["zoe@gmail.example"] });
    expect(JSON.parse((await store.getInbox(inbox.id))?.secret ?? "null")).toEqual({
      refreshToken: "refresh-for-code-1",
      address: "zoe@gmail.example",
    });
  });

  it("mends a revoked grant by consenting again: the same inbox gets the new grant", async () => {
    const connect = deps();
    const first = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "code-2",
      state: stateOf(await beginOAuthConnect(store, connect, { workspaceId, kind: "gmail" })),
    });
    const second = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "code-3",
      state: stateOf(await beginOAuthConnect(store, connect, { workspaceId, kind: "gmail" })),
    });
    expect(second.id).toBe(first.id);
    expect(JSON.parse((await store.getInbox(first.id))?.secret ?? "null")).toMatchObject({
      refreshToken: "refresh-for-code-3",
    });
  });

  it("connects Outlook the same way", async () => {
    const connect = deps();
    const url = await beginOAuthConnect(store, connect, { workspaceId, kind: "outlook" });
    expect(
      await completeOAuthConnect(store, connect, { kind: "outlook", code: "c", state: stateOf(url) }),
    ).toMatchObject({ kind: "outlook", addresses: ["zoe@outlook.example"] });
  });

  it("connects nothing when consent was refused, the state is foreign or for the other provider, or the code is missing", async () => {
    const connect = deps();
    const state = stateOf(await beginOAuthConnect(store, connect, { workspaceId, kind: "gmail" }));
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: undefined, state, error: "access_denied" }),
    ).rejects.toThrow("The consent was not given (access_denied); nothing was connected.");
    await expect(completeOAuthConnect(store, connect, { kind: "outlook", code: "c", state })).rejects.toThrow(
      "Nothing was connected: the state parameter is for a gmail connection, not outlook.",
    );
    await expect(completeOAuthConnect(store, deps(), { kind: "gmail", code: "c", state })).rejects.toThrow(
      "Nothing was connected: the state parameter was not issued by this server.",
    );
    await expect(completeOAuthConnect(store, connect, { kind: "gmail", code: undefined, state })).rejects.toThrow(
      "The callback needs the code and state parameters",
    );
    expect(connect.consented).toEqual([]);
  });

  it("says what the provider refused, and stores nothing", async () => {
    const before = (await store.listInboxes(workspaceId)).length;
    const connect = deps({
      gmail: {
        consentUrl: () => "https://x/?state=s",
        exchange: async () => Promise.reject(new ConnectError("Google refused the code (invalid_grant)")),
      },
    });
    const state = connect.stateSigner.sign({ workspaceId, kind: "gmail" });
    await expect(completeOAuthConnect(store, connect, { kind: "gmail", code: "c", state })).rejects.toThrow(
      "Nothing was connected: Google refused the code (invalid_grant)",
    );
    expect((await store.listInboxes(workspaceId)).length).toBe(before);
  });

  it("names the configuration to set when the server has no OAuth app for the provider", async () => {
    await expect(beginOAuthConnect(store, deps({ google: undefined }), { workspaceId, kind: "gmail" })).rejects.toThrow(
      "This server has no Google OAuth app configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET",
    );
    await expect(
      beginOAuthConnect(store, deps({ microsoft: undefined }), { workspaceId, kind: "outlook" }),
    ).rejects.toThrow(
      "This server has no Microsoft OAuth app configured: set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET",
    );
  });
});

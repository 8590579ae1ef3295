import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImapSettings } from "../providers/imap/imap-settings.js";
import { ConnectError } from "../providers/provider-apps.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { recordingConnectDeps as deps } from "../../test/support/recording-connect-deps.js";
import {
  addImapInbox,
  beginOAuthConnect,
  completeOAuthConnect,
  startOAuthConnect,
  type ConnectDeps,
} from "./connect-inbox.js";
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
  /** The person's browser opens the start link: the state it carries, and the cookie value the start set. */
  async function opened(connect: ConnectDeps, kind: "gmail" | "outlook" = "gmail") {
    const link = new URL(await beginOAuthConnect(store, connect, { workspaceId, kind }));
    const state = stateOf(link.toString());
    const started = await startOAuthConnect(store, connect, { kind, state });
    return { link, state, browserBinding: started.browserBinding, consentUrl: started.consentUrl };
  }

  it("gives this server's start link, which leads to the consent page; the callback then stores the grant", async () => {
    const connect = deps();
    const { link, state, browserBinding, consentUrl } = await opened(connect);
    expect(`${link.origin}${link.pathname}`).toBe("http://127.0.0.1:3000/oauth/google/start");
    expect(stateOf(consentUrl)).toBe(state);
    const { inbox } = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "code-1",
      state,
      browserBinding,
    });
    expect(connect.consented).toEqual(["code-1"]);
    expect(inbox).toMatchObject({ workspaceId, kind: "gmail", mode: "live", addresses: ["zoe@gmail.example"] });
    expect(JSON.parse((await store.getInbox(inbox.id))?.secret ?? "null")).toEqual({
      refreshToken: "refresh-for-code-1",
      address: "zoe@gmail.example",
    });
  });

  it("uses PKCE (S256): the code is redeemed with the verifier of the challenge the consent page got", async () => {
    const connect = deps();
    const { state, browserBinding } = await opened(connect);
    await completeOAuthConnect(store, connect, { kind: "gmail", code: "code-pkce", state, browserBinding });
    const [challenge] = connect.challenges;
    const [verifier] = connect.verifiers;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/u);
    expect(
      createHash("sha256")
        .update(verifier ?? "")
        .digest("base64url"),
    ).toBe(challenge);
    expect(state).not.toContain(verifier);
  });

  it("mends a revoked grant by consenting again: the same inbox gets the new grant", async () => {
    const connect = deps();
    const { inbox: first } = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "code-2",
      ...(await opened(connect)),
    });
    const { inbox: second } = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "code-3",
      ...(await opened(connect)),
    });
    expect(second.id).toBe(first.id);
    expect(JSON.parse((await store.getInbox(first.id))?.secret ?? "null")).toMatchObject({
      refreshToken: "refresh-for-code-3",
    });
  });

  it("connects Outlook the same way", async () => {
    const connect = deps();
    const { state, browserBinding } = await opened(connect, "outlook");
    expect(
      (await completeOAuthConnect(store, connect, { kind: "outlook", code: "c", state, browserBinding })).inbox,
    ).toMatchObject({ kind: "outlook", addresses: ["zoe@outlook.example"] });
  });

  it("opens the start link once: a second browser gets no consent page", async () => {
    const connect = deps();
    const { state } = await opened(connect);
    await expect(startOAuthConnect(store, connect, { kind: "gmail", state })).rejects.toThrow(
      "This connection link was already opened",
    );
  });

  it("redeems a state once, and only in the browser that opened the link", async () => {
    const connect = deps();
    const { state, browserBinding } = await opened(connect);
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: "c0", state, browserBinding: undefined }),
    ).rejects.toThrow("Nothing was connected: this browser did not open the connection link.");
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: "c0", state, browserBinding: "another-browser" }),
    ).rejects.toThrow("this browser did not open the connection link");
    await completeOAuthConnect(store, connect, { kind: "gmail", code: "c1", state, browserBinding });
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: "c2", state, browserBinding }),
    ).rejects.toThrow("Nothing was connected: this consent was already used; start the connection again.");
    expect(connect.consented).toEqual(["c1"]);
  });

  it("connects nothing when consent was refused, the state is foreign or for the other provider, or the code is missing", async () => {
    const connect = deps();
    const { state, browserBinding } = await opened(connect);
    await expect(
      completeOAuthConnect(store, connect, {
        kind: "gmail",
        code: undefined,
        state,
        error: "access_denied",
        browserBinding,
      }),
    ).rejects.toThrow("The consent was not given (access_denied); nothing was connected.");
    await expect(
      completeOAuthConnect(store, connect, { kind: "outlook", code: "c", state, browserBinding }),
    ).rejects.toThrow("Nothing was connected: the state parameter is for a gmail connection, not outlook.");
    await expect(
      completeOAuthConnect(store, deps(), { kind: "gmail", code: "c", state, browserBinding }),
    ).rejects.toThrow("Nothing was connected: the state parameter was not issued by this server.");
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: undefined, state, browserBinding }),
    ).rejects.toThrow("The callback needs the code and state parameters");
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
    const { state, browserBinding } = await opened(connect);
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: "c", state, browserBinding }),
    ).rejects.toThrow("Nothing was connected: Google refused the code (invalid_grant)");
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

describe("connecting a Gmail or Microsoft 365 mailbox as an IMAP/SMTP inbox signing in with OAuth", () => {
  async function openedForImap(connect: ConnectDeps, kind: "gmail" | "outlook") {
    const link = await beginOAuthConnect(store, connect, { workspaceId, kind, via: "imap" });
    const state = stateOf(link);
    const started = await startOAuthConnect(store, connect, { kind, state });
    return { state, browserBinding: started.browserBinding, consentUrl: started.consentUrl };
  }

  it("asks for the IMAP consent, checks a login with the grant, then stores an IMAP inbox holding the refresh token", async () => {
    const checked: ImapSettings[] = [];
    const connect = deps({ verifyImap: async (s) => void checked.push(s) });
    const { state, browserBinding, consentUrl } = await openedForImap(connect, "gmail");
    expect(consentUrl).toMatch(/^https:\/\/google\.example\/imap-consent\?/);
    const { inbox } = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "imap-1",
      state,
      browserBinding,
    });
    expect(inbox).toMatchObject({ kind: "imap", mode: "live", addresses: ["zoe@google-imap.example"] });
    const stored = JSON.parse((await store.getInbox(inbox.id))?.secret ?? "null") as ImapSettings;
    expect(stored.oauth).toEqual({ service: "google", refreshToken: "refresh-for-imap-1" });
    expect(stored.password).toBe("");
    expect(checked).toEqual([stored]);
  });

  it("uses Microsoft's sign-in for an Outlook consent", async () => {
    const connect = deps();
    const { state, browserBinding, consentUrl } = await openedForImap(connect, "outlook");
    expect(consentUrl).toMatch(/^https:\/\/microsoft\.example\//);
    const { inbox } = await completeOAuthConnect(store, connect, {
      kind: "outlook",
      code: "m-1",
      state,
      browserBinding,
    });
    expect(inbox).toMatchObject({ kind: "imap", addresses: ["zoe@microsoft-imap.example"] });
  });

  it("stores nothing when the login with the grant is refused, and says why", async () => {
    const connect = deps({
      verifyImap: async () => {
        throw new ConnectError("the IMAP server imap.google.example:993 refused the login of zoe@google-imap.example");
      },
    });
    const before = (await store.listInboxes(workspaceId)).length;
    const { state, browserBinding } = await openedForImap(connect, "gmail");
    await expect(
      completeOAuthConnect(store, connect, { kind: "gmail", code: "imap-2", state, browserBinding }),
    ).rejects.toThrow("Nothing was connected: the IMAP server imap.google.example:993 refused the login");
    expect((await store.listInboxes(workspaceId)).length).toBe(before);
  });

  it("keeps the connection's kind in its signed state: a state for the API connection never becomes an IMAP one", async () => {
    const connect = deps();
    const link = await beginOAuthConnect(store, connect, { workspaceId, kind: "gmail" });
    const state = stateOf(link);
    const started = await startOAuthConnect(store, connect, { kind: "gmail", state });
    expect(started.consentUrl).toMatch(/^https:\/\/accounts\.example\/consent/);
    const { inbox } = await completeOAuthConnect(store, connect, {
      kind: "gmail",
      code: "api-1",
      state,
      browserBinding: started.browserBinding,
    });
    expect(inbox.kind).toBe("gmail");
  });
});

import type { ImapFlow } from "imapflow";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRigUser,
  deleteRigUser,
  dovecotRig,
  imapSettingsFor,
  openImapClient,
  RIG_SKIP_REASON,
  writeMaildirMessages,
  type DovecotRig,
  type RigUser,
} from "./dovecot-rig.js";

describe("dovecotRig() reads the env lines of scripts/dovecot.sh", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const rigEnv = {
    DOVECOT_IMAP_PORT: "10143",
    DOVECOT_LMTP_PORT: "10024",
    DOVECOT_ROOT: "/tmp/some-rig",
    DOVECOT_PASSWORD: "pw",
    DOVECOT_USERS: "alice@rig.test,bob@rig.test",
  };

  it("is undefined when the rig is not running and CI is unset", () => {
    delete process.env.DOVECOT_IMAP_PORT;
    delete process.env.CI;
    expect(dovecotRig()).toBeUndefined();
  });

  it("throws when CI is set and the rig is not running, so CI cannot skip the IMAP tests", () => {
    delete process.env.DOVECOT_IMAP_PORT;
    process.env.CI = "true";
    expect(() => dovecotRig()).toThrow(/CI is set but DOVECOT_IMAP_PORT is not/);
  });

  it("gives the ports, root, password and users", () => {
    Object.assign(process.env, rigEnv);
    expect(dovecotRig()).toEqual({
      host: "127.0.0.1",
      imapPort: 10143,
      lmtpPort: 10024,
      root: "/tmp/some-rig",
      password: "pw",
      users: ["alice@rig.test", "bob@rig.test"],
    });
  });

  it("names the lines that are missing", () => {
    Object.assign(process.env, rigEnv);
    delete process.env.DOVECOT_ROOT;
    delete process.env.DOVECOT_PASSWORD;
    expect(() => dovecotRig()).toThrow("DOVECOT_ROOT, DOVECOT_PASSWORD");
  });

  it("refuses a port that is not one", () => {
    Object.assign(process.env, rigEnv, { DOVECOT_LMTP_PORT: "lmtp" });
    expect(() => dovecotRig()).toThrow(/DOVECOT_LMTP_PORT must be a TCP port/);
  });
});

const rig = dovecotRig();
if (!rig) {
  it.skip(`the Dovecot rig: ${RIG_SKIP_REASON}`, () => {});
} else {
  describeRig(rig);
}

async function withImap<T>(rig: DovecotRig, user: RigUser, use: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await openImapClient(rig, user);
  try {
    return await use(client);
  } finally {
    await client.logout();
  }
}

function describeRig(rig: DovecotRig): void {
  describe("the Dovecot rig", () => {
    it("lets a created user log in and see an empty INBOX and the special-use folders, subscribed", async () => {
      const user = await createRigUser(rig, "login");
      expect(user.address).toMatch(/^login-[0-9a-f]{8}@rig\.test$/);
      await withImap(rig, user, async (client) => {
        const folders = await client.list();
        const byUse = Object.fromEntries(
          folders.filter((folder) => folder.specialUse).map((folder) => [folder.specialUse, folder.path]),
        );
        expect(byUse).toEqual({
          "\\Inbox": "INBOX",
          "\\Sent": "Sent",
          "\\Drafts": "Drafts",
          "\\Trash": "Trash",
          "\\Junk": "Junk",
        });
        expect(folders.filter((folder) => folder.path !== "INBOX").every((folder) => folder.subscribed)).toBe(true);
        expect(await client.status("INBOX", { messages: true })).toMatchObject({ messages: 0 });
      });
    });

    it("lets the initial users log in with DOVECOT_PASSWORD", async () => {
      expect(rig.users).toEqual(["alice@rig.test", "bob@rig.test", "carol@rig.test", "bench@rig.test"]);
      await withImap(rig, { address: "carol@rig.test", password: rig.password }, async (client) => {
        expect(client.authenticated).toBeTruthy();
      });
    });

    it("refuses a wrong password and another user's password", async () => {
      const user = await createRigUser(rig, "refused");
      const other = await createRigUser(rig, "other");
      for (const password of ["wrong", other.password, rig.password]) {
        await expect(openImapClient(rig, { address: user.address, password })).rejects.toMatchObject({
          authenticationFailed: true,
        });
      }
    });

    it("shows maildir writes with their flags, INTERNALDATE and in the order of their dates", async () => {
      const user = await createRigUser(rig, "maildir");
      const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 12, minute, 7));
      // Written newest first, to show that UIDs follow receivedAt rather than the order of writing.
      await writeMaildirMessages(rig, user.address, "INBOX", [
        { raw: rawMessage("third"), receivedAt: at(30) },
        { raw: Buffer.from(rawMessage("second")), seen: true, flagged: true, receivedAt: at(20) },
        { raw: rawMessage("first"), seen: true, receivedAt: at(10) },
      ]);
      await withImap(rig, user, async (client) => {
        await client.mailboxOpen("INBOX", { readOnly: true });
        const messages = await client.fetchAll("1:*", { uid: true, flags: true, internalDate: true, envelope: true });
        expect(messages.map((message) => [message.envelope?.subject, flagsOf(message), message.internalDate])).toEqual([
          ["first", ["\\Seen"], at(10)],
          ["second", ["\\Flagged", "\\Seen"], at(20)],
          ["third", [], at(30)],
        ]);
      });
    });

    it("writes into special-use folders and creates other folders", async () => {
      const user = await createRigUser(rig, "folders");
      await writeMaildirMessages(rig, user.address, "Sent", [
        { raw: rawMessage("sent one"), seen: true },
        { raw: rawMessage("sent two"), seen: true },
      ]);
      await writeMaildirMessages(rig, user.address, "Project X", [{ raw: rawMessage("filed") }]);
      await withImap(rig, user, async (client) => {
        expect((await client.list()).map((folder) => folder.path).sort()).toEqual([
          "Drafts",
          "INBOX",
          "Junk",
          "Project X",
          "Sent",
          "Trash",
        ]);
        expect(await client.status("Sent", { messages: true, unseen: true })).toMatchObject({ messages: 2, unseen: 0 });
        expect(await client.status("Project X", { messages: true, unseen: true })).toMatchObject({
          messages: 1,
          unseen: 1,
        });
        expect(await client.status("INBOX", { messages: true })).toMatchObject({ messages: 0 });
      });
    });

    it("keeps each created user's mailbox to itself", async () => {
      const first = await createRigUser(rig, "isolated");
      const second = await createRigUser(rig, "isolated");
      expect(first.address).not.toBe(second.address);
      await writeMaildirMessages(rig, first.address, "INBOX", [{ raw: rawMessage("mine") }]);
      expect(await withImap(rig, first, (client) => client.status("INBOX", { messages: true }))).toMatchObject({
        messages: 1,
      });
      expect(await withImap(rig, second, (client) => client.status("INBOX", { messages: true }))).toMatchObject({
        messages: 0,
      });
    });

    it("deletes a created user with its mail, but never an initial user", async () => {
      const user = await createRigUser(rig, "deleted");
      await writeMaildirMessages(rig, user.address, "INBOX", [{ raw: rawMessage("gone soon") }]);
      await deleteRigUser(rig, user.address);
      await expect(openImapClient(rig, user)).rejects.toMatchObject({ authenticationFailed: true });
      await expect(writeMaildirMessages(rig, user.address, "INBOX", [])).rejects.toThrow(/has no maildir/);
      await expect(deleteRigUser(rig, "alice@rig.test")).rejects.toThrow(/initial users/);
    });

    it("refuses folder names that maildir++ cannot hold as given, and users it does not have", async () => {
      const user = await createRigUser(rig, "names");
      await expect(writeMaildirMessages(rig, user.address, "a.b", [])).rejects.toThrow(
        /folder "a.b" must be "INBOX" or/,
      );
      await expect(writeMaildirMessages(rig, user.address, "Entwürfe", [])).rejects.toThrow(/folder "Entwürfe"/);
      await expect(writeMaildirMessages(rig, "nobody@rig.test", "INBOX", [])).rejects.toThrow(
        /nobody@rig.test has no maildir/,
      );
      await expect(createRigUser(rig, "Bad Prefix")).rejects.toThrow(/prefix "Bad Prefix"/);
    });

    it("gives ImapSettings for a user, plain on loopback", async () => {
      const user = await createRigUser(rig, "settings");
      expect(imapSettingsFor(rig, user, 2525)).toEqual({
        imap: { host: "127.0.0.1", port: rig.imapPort, security: "plaintext" },
        smtp: { host: "127.0.0.1", port: 2525, security: "plaintext" },
        user: user.address,
        password: user.password,
        address: user.address,
      });
    });
  });
}

/** \Recent depends on which session saw the message first, so it is left out. */
function flagsOf(message: { flags?: Set<string> | undefined }): string[] {
  return [...(message.flags ?? [])].filter((flag) => flag !== "\\Recent").sort();
}

function rawMessage(subject: string): string {
  return `From: sender@example.org\r\nTo: someone@rig.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "-")}@example.org>\r\n\r\nBody of ${subject}.\r\n`;
}

// The IMAP provider against the real Dovecot of scripts/dovecot.sh: failures of the servers, a large
// folder, the SEARCH commands it sends (the tools themselves are shown through /mcp in imap-mcp.test.ts;
// a search's deadline in imap-search-deadline.test.ts).
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { ListInboxOutput, SearchEmailsOutput } from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import { seedBulkMailbox } from "../../../test/support/imap-corpus.js";
import { startSmtpRelay, type SmtpRelay } from "../../../test/support/smtp-relay.js";
import { ImapFlow } from "imapflow";
import { parsePortableQuery } from "../search-params.js";
import { createImapProvider } from "./imap-provider.js";
import { nativeToImap, portableToImap } from "./imap-search.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
if (rig === undefined)
  console.warn(
    "imap-provider.test.ts skipped: no Dovecot rig (run `bash scripts/dovecot.sh start` and export its lines, or run through scripts/test.sh)",
  );

const signal = new AbortController().signal;
const pool = { maxConnectionsPerInbox: 2, idleCloseMs: 30_000 };
let relay: SmtpRelay;
let user: RigUser;
let peer: RigUser;

function inboxOf(address: string): InboxRecord {
  return {
    id: "5b0b2d0e-7a51-4d8e-9c0f-1f7b3a9e2c11",
    workspaceId: "w",
    mode: "live",
    kind: "imap",
    addresses: [address],
    secret: null,
  } as unknown as InboxRecord;
}

const listArgs = {
  inbox_id: "5b0b2d0e-7a51-4d8e-9c0f-1f7b3a9e2c11",
  limit: 20,
  offset: 0,
  folder: "INBOX",
  unread_only: false,
} as const;

describeWithRig("the IMAP provider against Dovecot", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    relay = await startSmtpRelay({ rig });
    user = await createRigUser(rig, "provider");
    peer = await createRigUser(rig, "provider-peer");
    await seedBulkMailbox(rig, user.address, 30_000);
  }, 120_000);
  afterAll(async () => relay?.close());

  it("recovers from a connection the server dropped (doveadm kick): the next call gets a fresh one", async () => {
    if (rig === undefined) return;
    const provider = createImapProvider({
      inbox: inboxOf(user.address),
      settings: imapSettingsFor(rig, user, relay.port),
      pool,
      network: LOOPBACK_MAIL_NETWORK,
    });
    try {
      const before = (await provider.list_inbox(listArgs, signal)) as ListInboxOutput;
      expect(before.total).toBe(30_000);
      execFileSync("doveadm", ["-c", `${rig.root}/dovecot.conf`, "kick", user.address]);
      const after = (await provider.list_inbox(listArgs, signal)) as ListInboxOutput;
      expect(after).toEqual(before);
    } finally {
      await provider.close();
    }
  });

  it("finds by sender in a large folder, the newest first, with the exact count", async () => {
    if (rig === undefined) return;
    const provider = createImapProvider({
      inbox: inboxOf(user.address),
      settings: imapSettingsFor(rig, user, relay.port),
      pool,
      network: LOOPBACK_MAIL_NETWORK,
    });
    try {
      const result = (await provider.search_emails(
        { inbox_id: listArgs.inbox_id, query: "from:billing@bulk.example", syntax: "portable", limit: 3, offset: 2 },
        signal,
      )) as SearchEmailsOutput;
      expect(result.total).toBe(6_000);
      // Sender i % 5 === 1 is billing; the newest such message is 29,996, then 29,991...
      expect(result.messages.map((m) => m.subject)).toEqual(
        [29_986, 29_981, 29_976].map((i) => `Bulk message ${i} from billing@bulk.example`),
      );
      expect(result.next_offset).toBe(5);
    } finally {
      await provider.close();
    }
  });

  it("reports a send the SMTP server accepted as sent even when filing it in Sent fails, and never sends it again", async () => {
    if (rig === undefined) return;
    const provider = createImapProvider({
      inbox: inboxOf(peer.address),
      settings: imapSettingsFor(rig, peer, relay.port),
      pool,
      network: LOOPBACK_MAIL_NETWORK,
    });
    try {
      // Dovecot cannot write into Sent (its maildir's tmp/ is read-only), so the APPEND after the send fails.
      await provider.list_inbox({ ...listArgs, folder: "SENT" }, signal);
      const sentTmp = join(rig.root, "mail", peer.address, "Maildir", ".Sent", "tmp");
      chmodSync(sentTmp, 0o500);
      onTestFinished(() => chmodSync(sentTmp, 0o700));
      const before = relay.accepted();
      const result = await provider.send_email(
        {
          inbox_id: listArgs.inbox_id,
          to: [user.address],
          subject: "Filed nowhere",
          body: "x",
          cc: [],
          bcc: [],
          attachments: [],
        },
        signal,
      );
      expect(result).toMatchObject({ message_id: null });
      expect("isError" in result).toBe(false);
      expect(relay.accepted()).toBe(before + 1);
      expect((await provider.list_inbox({ ...listArgs, folder: "SENT" }, signal)) as ListInboxOutput).toMatchObject({
        total: 0,
      });
    } finally {
      await provider.close();
    }
  });

  it("answers provider_error saying nothing was sent when the SMTP server cannot be reached", async () => {
    if (rig === undefined) return;
    const provider = createImapProvider({
      inbox: inboxOf(peer.address),
      settings: imapSettingsFor(rig, peer, 1),
      pool,
      network: LOOPBACK_MAIL_NETWORK,
    });
    try {
      const result = await provider.send_email(
        { inbox_id: listArgs.inbox_id, to: [user.address], subject: "x", body: "x", cc: [], bcc: [], attachments: [] },
        signal,
      );
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
      expect(JSON.stringify(result)).toMatch(/nothing was sent/i);
      expect(JSON.stringify(result)).not.toContain(peer.password);
    } finally {
      await provider.close();
    }
  });

  it("sends CHARSET UTF-8 only with a non-ASCII term, which goes as a literal (never pasted into the command)", async () => {
    if (rig === undefined) return;
    const sent: string[] = [];
    const capture = (entry: { src?: string; msg?: string }) => {
      if (entry.src === "c" && typeof entry.msg === "string" && entry.msg.includes("SEARCH")) sent.push(entry.msg);
    };
    const logger = { debug: capture, info: capture, warn: capture, error: capture };
    const client = new ImapFlow({
      host: rig.host,
      port: rig.imapPort,
      secure: false,
      auth: { user: user.address, pass: user.password },
      logger,
    });
    await client.connect();
    try {
      await client.mailboxOpen("INBOX");
      await client.search(portableToImap(parsePortableQuery("subject:cafe")).criteria, { uid: true });
      await client.search(portableToImap(parsePortableQuery("subject:café")).criteria, { uid: true });
      await client.search(nativeToImap('SUBJECT "x\\" OR ALL"').criteria, { uid: true });
    } finally {
      await client.logout();
    }
    expect(sent[0]).toMatch(/UID SEARCH SUBJECT cafe$/);
    expect(sent[1]).toMatch(/UID SEARCH CHARSET UTF-8 SUBJECT "\(\* \d+B literal \*\)"$/);
    expect(sent[2]).toMatch(/UID SEARCH SUBJECT "x\\" OR ALL"$/);
  });
});

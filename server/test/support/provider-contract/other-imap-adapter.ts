// IMAP under the provider contract on the other servers' rigs (scripts/imap-servers: Courier-IMAP
// and Cyrus IMAP, default configurations, folders under "INBOX."): their two users' mailboxes are
// emptied for each case, with the folders a mail client would make (INBOX.Sent, INBOX.Drafts,
// INBOX.Trash), messages are APPENDed with their dates, and sends go through an SMTP server that
// APPENDs to the recipients' INBOX. A rig of two users has no third mailbox for reply-all.
import { randomUUID } from "node:crypto";
import type { InboxRecord } from "../../../src/store/store.js";
import { createProviderRegistry, type ProviderRegistry } from "../../../src/providers/registry.js";
import type { ImapSettings } from "../../../src/providers/imap/imap-settings.js";
import { LOOPBACK_MAIL_NETWORK } from "../dovecot-rig.js";
import { createInMemoryMailbox } from "../in-memory-mailbox.js";
import {
  openOtherImapClient,
  otherImapSettings,
  startAppendingSmtp,
  type AppendingSmtp,
  type OtherImapRig,
} from "../other-imap-rig.js";
import { aliasOf, type ContractInbox, type ProviderAdapter } from "./provider-adapter.js";
import { REPLY_ALL_CASE } from "./provider-contract.js";
import { startSearchStallingProxy } from "./search-stalling-proxy.js";

const CLOSED_PORT = 1;
const CLIENT_FOLDERS = ["INBOX.Sent", "INBOX.Drafts", "INBOX.Trash"];

export function otherImapAdapter(rig: OtherImapRig): ProviderAdapter {
  /**
   * Every message of every folder of the user expunged (other tests file mail in folders of their
   * own, which a search of all folders would find), the client's folders made when missing. Folders
   * are kept rather than deleted: Courier takes seconds to refuse deleting its INBOX.Trash.
   */
  const emptyMailbox = async (user: string): Promise<void> => {
    const client = await openOtherImapClient(rig, user);
    try {
      const listed = await client.list();
      const existing = new Set(listed.map((folder) => folder.path));
      for (const folder of CLIENT_FOLDERS) if (!existing.has(folder)) await client.mailboxCreate(folder);
      const selectable = listed.filter((folder) => !folder.flags.has("\\Noselect")).map((folder) => folder.path);
      for (const folder of new Set(["INBOX", ...CLIENT_FOLDERS, ...selectable])) {
        const opened = await client.mailboxOpen(folder);
        if (opened.exists > 0) await client.messageDelete("1:*");
      }
    } finally {
      await client.logout();
    }
  };
  const server = rig.server === "courier" ? "Courier" : "Cyrus";
  const [owner = "", peerUser = ""] = rig.users;
  let smtp: AppendingSmtp;
  // One registry per case: each case's providers (and their connections) close before the next
  // empties the mailboxes, so that no provider keeps a folder list or a connection from before.
  let registry: ProviderRegistry | undefined;
  const settingsOf = new Map<string, ImapSettings>();

  const inboxFor = (settings: ImapSettings): ContractInbox => {
    const record: InboxRecord = {
      id: randomUUID(),
      workspaceId: "contract",
      mode: "live",
      kind: "imap",
      addresses: [settings.address, aliasOf(settings.address)],
      secret: JSON.stringify(settings),
      createdAt: new Date().toISOString(),
    };
    if (registry === undefined) throw new Error("open() first");
    return {
      provider: registry(record),
      inboxId: record.id,
      address: settings.address,
      alias: aliasOf(settings.address),
    };
  };
  const inboxOf = (user: string): ContractInbox => {
    const settings = otherImapSettings(rig, user, smtp.port);
    settingsOf.set(settings.address, settings);
    return inboxFor(settings);
  };

  return {
    name: `IMAP (${server})`,
    notApplicable: {
      throttled: "IMAP and SMTP have no Retry-After: a server refuses or drops a connection, it never names a wait",
    },
    notApplicableCases: {
      [REPLY_ALL_CASE]: `the ${server} rig has two users (scripts/imap-servers/${rig.server}.sh); reply-all needs a third mailbox`,
    },
    async start() {
      smtp = await startAppendingSmtp(rig);
    },
    async stop() {
      await registry?.close();
      await smtp?.close();
    },
    async open() {
      await registry?.close();
      registry = createProviderRegistry(
        { ...createInMemoryMailbox(), listInboxes: async () => [] },
        { mailNetwork: LOOPBACK_MAIL_NETWORK, imapPool: { maxConnectionsPerInbox: 2, idleCloseMs: 30_000 } },
      );
      for (const user of [owner, peerUser]) await emptyMailbox(user);
      return { inbox: inboxOf(owner), peer: inboxOf(peerUser) };
    },
    async seed(_inbox, messages) {
      const client = await openOtherImapClient(rig, owner);
      try {
        for (const message of messages) {
          const folder = message.folder === "SENT" ? "INBOX.Sent" : "INBOX";
          const flags = message.unread ? [] : ["\\Seen"];
          if ((await client.append(folder, message.raw, flags, message.date)) === false)
            throw new Error(`${server} refused the APPEND to ${folder}`);
        }
      } finally {
        await client.logout();
      }
    },
    unknownMessageId(_inbox, existing) {
      const fields = Buffer.from(existing, "base64url").toString("utf8").split("\n");
      if (fields.length < 4) return `${existing}x`;
      fields[2] = "4000000000";
      return Buffer.from(fields.join("\n"), "utf8").toString("base64url");
    },
    async inject(mode, inbox) {
      const settings = settingsOf.get(inbox.address);
      if (settings === undefined) throw new Error(`no settings for ${inbox.address}`);
      const nothingToUndo = async () => undefined;
      switch (mode) {
        case "auth":
          return { inbox: inboxFor({ ...settings, password: `${settings.password}-changed` }), undo: nothingToUndo };
        case "unavailable":
          return {
            inbox: inboxFor({ ...settings, smtp: { ...settings.smtp, port: CLOSED_PORT } }),
            undo: nothingToUndo,
          };
        case "slow_search": {
          const proxy = await startSearchStallingProxy({ host: rig.host, port: rig.imapPort });
          return {
            inbox: inboxFor({ ...settings, imap: { ...settings.imap, port: proxy.port } }),
            undo: async () => {
              proxy.release();
              await proxy.close();
            },
          };
        }
        case "throttled":
          throw new Error("IMAP cannot be throttled");
      }
    },
    settled: async () => undefined,
  };
}

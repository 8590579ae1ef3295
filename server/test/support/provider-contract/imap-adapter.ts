// IMAP under the provider contract: providers made by the registry for users of the Dovecot rig
// (scripts/dovecot.sh), sending through the rig's SMTP relay, which delivers to the recipients'
// INBOX over LMTP before it answers. Messages are seeded as maildir files; a proxy that holds back
// SEARCH commands makes the server slow to search.
import { randomUUID } from "node:crypto";
import type { InboxRecord } from "../../../src/store/store.js";
import { createProviderRegistry, type ProviderRegistry } from "../../../src/providers/registry.js";
import type { ImapSettings } from "../../../src/providers/imap/imap-settings.js";
import {
  createRigUser,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  writeMaildirMessages,
  type DovecotRig,
} from "../dovecot-rig.js";
import { createInMemoryMailbox } from "../in-memory-mailbox.js";
import { startSmtpRelay, type SmtpRelay } from "../smtp-relay.js";
import { aliasOf, type ContractInbox, type ProviderAdapter } from "./provider-adapter.js";
import { startSearchStallingProxy } from "./search-stalling-proxy.js";

/** A port nothing listens on (tcpmux): the service cannot be reached. */
const CLOSED_PORT = 1;

export function imapAdapter(rig: DovecotRig): ProviderAdapter {
  let relay: SmtpRelay;
  let registry: ProviderRegistry;

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
    return {
      provider: registry(record),
      inboxId: record.id,
      address: settings.address,
      alias: aliasOf(settings.address),
    };
  };
  const settingsOf = new Map<string, ImapSettings>();
  const newInbox = async (): Promise<ContractInbox> => {
    const settings = imapSettingsFor(rig, await createRigUser(rig, "contract"), relay.port);
    settingsOf.set(settings.address, settings);
    return inboxFor(settings);
  };

  return {
    name: "IMAP (Dovecot)",
    notApplicable: {
      throttled: "IMAP and SMTP have no Retry-After: a server refuses or drops a connection, it never names a wait",
    },
    async start() {
      relay = await startSmtpRelay({ rig });
      registry = createProviderRegistry(
        { ...createInMemoryMailbox(), listInboxes: async () => [] },
        { mailNetwork: LOOPBACK_MAIL_NETWORK, imapPool: { maxConnectionsPerInbox: 2, idleCloseMs: 30_000 } },
      );
    },
    async stop() {
      await registry?.close();
      await relay?.close();
    },
    open: async () => ({ inbox: await newInbox(), peer: await newInbox(), third: await newInbox() }),
    async seed(inbox, messages) {
      for (const message of messages)
        await writeMaildirMessages(rig, inbox.address, message.folder === "SENT" ? "Sent" : "INBOX", [
          { raw: message.raw, seen: !message.unread, receivedAt: message.date },
        ]);
    },
    // The provider's ids name the folder, its UIDVALIDITY and a UID (imap-message-id.ts): the same, a UID never given.
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

// What the IMAP tools share for one inbox: the pool of imapflow connections, the SMTP sender, the
// folder map (listed once, listed again when a name is not in it), the inbox's own addresses and
// the settings a send needs.
import type { ListResponse } from "imapflow";
import type { InboxRecord } from "../../store/store.js";
import { ownAddresses } from "../core/own-addresses.js";
import { folderMap, type FolderMap } from "./imap-folders.js";
import { imapCredentials, imapTokenSource } from "./imap-login.js";
import type { ImapOAuthApps } from "./imap-oauth-tokens.js";
import { createImapPool, type ImapConnection, type ImapPool } from "./imap-pool.js";
import type { ImapPoolOptions, ImapSettings } from "./imap-settings.js";
import { createSmtpSender } from "./imap-smtp.js";
import type { MailNetworkPolicy } from "./mail-network.js";

export interface ImapContextOptions {
  inbox: InboxRecord;
  settings: ImapSettings;
  pool: ImapPoolOptions;
  network: MailNetworkPolicy;
  now: () => Date;
  onSentCopyNotFiled?: ((event: { inboxId: string; reason: string }) => void) | undefined;
  apps?: ImapOAuthApps | undefined;
  saveSettings?: ((secret: string) => Promise<void>) | undefined;
}

export interface ImapContext {
  inbox: InboxRecord;
  settings: ImapSettings;
  /** The inbox's own addresses, left out of a reply-all. */
  ownAddresses: readonly string[];
  pool: ImapPool;
  smtp: ReturnType<typeof createSmtpSender>;
  now: () => Date;
  onSentCopyNotFiled?: ((event: { inboxId: string; reason: string }) => void) | undefined;
  /** The folder map, listed on first use; `refresh` lists again (a folder created since). */
  folders(connection: ImapConnection, refresh?: boolean): Promise<FolderMap>;
  /** Lists the folders again with their STATUS counts (LIST-STATUS where the server has it), the map kept. */
  foldersWithCounts(connection: ImapConnection): Promise<{ map: FolderMap; listed: readonly ListResponse[] }>;
}

export function imapContext(options: ImapContextOptions): ImapContext {
  const { inbox, settings } = options;
  const credentials = imapCredentials(settings, imapTokenSource(options));
  let folders: FolderMap | undefined;
  return {
    inbox,
    settings,
    ownAddresses: ownAddresses([settings.address], inbox.addresses),
    pool: createImapPool(settings, options.pool, options.network, credentials),
    smtp: createSmtpSender(settings, options.network, credentials),
    now: options.now,
    onSentCopyNotFiled: options.onSentCopyNotFiled,
    async folders(connection, refresh = false) {
      if (folders === undefined || refresh)
        folders = folderMap(await connection.client.list({ listOnly: true }), connection.client.namespace);
      return folders;
    },
    async foldersWithCounts(connection) {
      // Not listOnly: imapflow attaches the counts only after its full listing (LSUB included).
      const listed = await connection.client.list({ statusQuery: { messages: true, unseen: true } });
      folders = folderMap(listed, connection.client.namespace);
      return { map: folders, listed };
    },
  };
}

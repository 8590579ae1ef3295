// What the Outlook tools share for one mailbox: the Graph client (tokens from MSAL, whose changed
// cache is saved back), the page checkpoints, the folders, the mailbox's own addresses, and the
// settings a send and the caches need.
import type { Message } from "@microsoft/microsoft-graph-types";
import type { MessageSummary } from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import { ownAddresses } from "../core/own-addresses.js";
import { PageCheckpoints } from "../core/page-checkpoints.js";
import type { MicrosoftAppConfig } from "../provider-apps.js";
import { createGraphClient, type GraphClient } from "./graph-client.js";
import { mailboxTokens } from "./msal-tokens.js";
import { OutlookFolders, type SettingsStore } from "./outlook-folders.js";
import { toSummary } from "./outlook-message.js";
import { SENT_COPY_WAIT_MS } from "./outlook-send.js";
import type { OutlookSettings } from "./outlook-settings.js";

export interface OutlookContextOptions {
  inbox: InboxRecord;
  settings: OutlookSettings;
  app: MicrosoftAppConfig;
  saveSettings: (settings: OutlookSettings) => Promise<void>;
  now: () => Date;
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  requestTimeoutMs?: number | undefined;
  sentCopyWaitMs?: number | undefined;
}

export interface OutlookContext {
  inbox: InboxRecord;
  /** The address the mailbox signs in as: its sends come from it. */
  address: string;
  /** The inbox's own addresses, left out of a reply-all. */
  ownAddresses: readonly string[];
  graph: GraphClient;
  checkpoints: PageCheckpoints;
  folders: OutlookFolders;
  /** Folders found to hold no mail, left out of a folder-less $filter by id so that its count is exact. */
  notMailFolders: Set<string>;
  now: () => Date;
  sentCopyWaitMs: number;
  /** Waits for the settings' last save. */
  close(): Promise<void>;
}

export function outlookContext(options: OutlookContextOptions): OutlookContext {
  const settings = settingsStore(options.settings, options.saveSettings);
  // The shared lookups run to their end (each request bounded by the client's timeout) whoever
  // waits for them: a call still finishing on a closed provider is not cut short.
  const shared = new AbortController().signal;
  const tokens = mailboxTokens({
    app: options.app,
    tokenCache: options.settings.tokenCache,
    homeAccountId: options.settings.homeAccountId,
    onCacheChanged: (tokenCache) => settings.save({ ...settings.current(), tokenCache }),
  });
  const address = options.settings.address;
  const graph = createGraphClient({
    tokens,
    mailbox: `${options.app.clientId}\u0000${address.toLowerCase()}`,
    now: options.now,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
  });
  return {
    inbox: options.inbox,
    address,
    ownAddresses: ownAddresses([address], options.inbox.addresses),
    graph,
    checkpoints: new PageCheckpoints(),
    folders: new OutlookFolders(graph, settings, shared),
    notMailFolders: new Set(),
    now: options.now,
    sentCopyWaitMs: options.sentCopyWaitMs ?? SENT_COPY_WAIT_MS,
    async close() {
      await settings.saved();
    },
  };
}

/** The messages as summaries, each named by its folder (or all by `folder`). */
export async function summaries(
  context: OutlookContext,
  messages: readonly Message[],
  signal: AbortSignal,
  folder?: string,
): Promise<MessageSummary[]> {
  return Promise.all(
    messages.map(async (message) =>
      toSummary(message, folder ?? (await context.folders.nameOf(message.parentFolderId, signal))),
    ),
  );
}

/** The settings as last changed; saves run one after another, so that an older cache never overwrites a newer one. */
function settingsStore(
  initial: OutlookSettings,
  saveSettings: (settings: OutlookSettings) => Promise<void>,
): SettingsStore & { saved(): Promise<void> } {
  let settings = initial;
  let saving: Promise<void> = Promise.resolve();
  return {
    current: () => settings,
    save(next) {
      settings = next;
      saving = saving.then(() => saveSettings(next));
      return saving;
    },
    saved: () => saving,
  };
}

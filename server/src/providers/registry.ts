// Which MailProvider serves an inbox. Providers of real mailboxes hold connections and tokens, so one
// is made per inbox and kept until its stored settings change (a reconnect, a refreshed token cache)
// or the registry closes; a sandbox provider holds nothing and is made per call. An inbox the server cannot serve (no OAuth app configured, settings unreadable) answers
// provider_error saying why, rather than failing in some less explicit way.
import { providerError, type ExecutionErrorResult } from "@mcpemails/generated";
import { addressKey } from "../mail/addresses.js";
import type { InboxRecord, Store } from "../store/store.js";
import { parseGmailSettings } from "./gmail/gmail-settings.js";
import { STRICT_MAIL_NETWORK, type MailNetworkPolicy } from "./imap/mail-network.js";
import { DEFAULT_IMAP_POOL, parseImapSettings, type ImapPoolOptions } from "./imap/imap-settings.js";
import { parseOutlookSettings } from "./outlook/outlook-settings.js";
import { ConnectError, type GoogleAppConfig, type MicrosoftAppConfig } from "./provider-apps.js";
import { lazyProvider } from "./lazy-provider.js";
import type { ClosableProvider, MailProvider } from "./provider.js";
import { createSandboxProvider } from "./sandbox/sandbox-provider.js";
import type { SandboxMailbox } from "./sandbox/sandbox-message.js";

/** What the providers need of the store. */
export type ProviderStore = SandboxMailbox & Pick<Store, "listInboxes"> & Partial<Pick<Store, "updateInboxSecret">>;

export interface ProviderRegistryOptions {
  now?: () => Date;
  google?: GoogleAppConfig | undefined;
  microsoft?: MicrosoftAppConfig | undefined;
  imapPool?: ImapPoolOptions;
  /** Where IMAP/SMTP servers may be; nothing internal and no plaintext beyond loopback when unset. */
  mailNetwork?: MailNetworkPolicy;
}

export type ProviderRegistry = ((inbox: InboxRecord) => MailProvider) & {
  /** Closes every provider made so far (IMAP connections, timers). */
  close(): Promise<void>;
};

export function createProviderRegistry(store: ProviderStore, options: ProviderRegistryOptions = {}): ProviderRegistry {
  const now = options.now ?? (() => new Date());
  const kept = new Map<string, { secret: string | null; provider: ClosableProvider }>();

  function makeKept(inbox: InboxRecord): ClosableProvider {
    switch (inbox.kind) {
      case "imap": {
        const settings = parseImapSettings(inbox.secret);
        return lazyProvider(async () =>
          (await import("./imap/imap-provider.js")).createImapProvider({
            inbox,
            settings,
            pool: options.imapPool ?? DEFAULT_IMAP_POOL,
            network: options.mailNetwork ?? STRICT_MAIL_NETWORK,
            now,
          }),
        );
      }
      case "gmail": {
        if (options.google === undefined)
          throw new ConnectError(
            "this server has no Google OAuth client configured (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)",
          );
        const settings = parseGmailSettings(inbox.secret);
        const app = options.google;
        return lazyProvider(async () =>
          (await import("./gmail/gmail-provider.js")).createGmailProvider({ inbox, settings, app, now }),
        );
      }
      case "outlook": {
        if (options.microsoft === undefined)
          throw new ConnectError(
            "this server has no Microsoft app configured (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET)",
          );
        const save = store.updateInboxSecret?.bind(store);
        const settings = parseOutlookSettings(inbox.secret);
        const app = options.microsoft;
        return lazyProvider(async () =>
          (await import("./outlook/outlook-provider.js")).createOutlookProvider({
            inbox,
            settings,
            app,
            saveSettings: async (changed) => {
              await save?.(inbox.id, JSON.stringify(changed));
            },
            now,
          }),
        );
      }
      case "sandbox":
        throw new Error("sandbox providers are not kept");
    }
  }

  const providerFor = (inbox: InboxRecord): MailProvider => {
    if (inbox.kind === "sandbox") {
      return createSandboxProvider({
        inbox,
        mailbox: store,
        deliverTo: (address) => findSandboxInbox(store, inbox.workspaceId, address),
        now,
      });
    }
    const existing = kept.get(inbox.id);
    if (existing?.secret === inbox.secret) return existing.provider;
    if (existing) void existing.provider.close().catch(() => undefined);
    kept.delete(inbox.id);
    try {
      const made = makeKept(inbox);
      kept.set(inbox.id, { secret: inbox.secret, provider: made });
      return made;
    } catch (error) {
      if (error instanceof ConnectError)
        return unavailableProvider(`${inbox.kind} inbox ${inbox.id} cannot be served: ${error.message}`);
      throw error;
    }
  };
  return Object.assign(providerFor, {
    async close() {
      const closing = [...kept.values()];
      kept.clear();
      await Promise.allSettled(closing.map(({ provider }) => provider.close()));
    },
  });
}

/** The sandbox inbox of the workspace that has this address, compared case-insensitively. */
export async function findSandboxInbox(
  store: Pick<Store, "listInboxes">,
  workspaceId: string,
  address: string,
): Promise<InboxRecord | undefined> {
  const key = addressKey(address);
  const inboxes = await store.listInboxes(workspaceId);
  return inboxes.find(
    (candidate) =>
      candidate.kind === "sandbox" &&
      candidate.workspaceId === workspaceId &&
      candidate.addresses.some((own) => addressKey(own) === key),
  );
}

function unavailableProvider(detail: string): MailProvider {
  const unavailable = async (): Promise<ExecutionErrorResult<"provider_error">> =>
    providerError({ detail: `${detail}; nothing was read or sent.` });
  return {
    list_inbox: unavailable,
    read_email: unavailable,
    search_emails: unavailable,
    send_email: unavailable,
    reply_to_email: unavailable,
  };
}

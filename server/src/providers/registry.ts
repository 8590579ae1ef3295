// Which MailProvider serves an inbox. Providers of real mailboxes hold connections, tokens, caches and
// a concurrency limiter, so one is made per inbox and kept for as long as the inbox's credentials are
// unchanged by anyone else; a sandbox provider holds nothing but the inbox's record, and is kept for
// as long as that record is (the per-instance copies hand every call of one configuration version
// the same record, so a warm call assembles nothing). An inbox the server
// cannot serve (no OAuth app configured, settings unreadable) answers provider_error saying why,
// rather than failing in some less explicit way.
//
// "Unchanged by anyone else": the record a call brings carries the inbox's settings as the store had
// them. The kept provider answers for the value it was made from and every value it saved itself
// (Outlook stores its token cache again after each refresh, and its folder ids once), so that its own
// saves never replace it. Any other value was written by someone else (a reconnect through the
// dashboard, the CLI or the admin API, on any instance), and that call makes a new provider from it.
// A replaced provider's late saves are dropped, so that its old grant does not overwrite the new one.
// The registry compares the records' secretStamps, never the settings themselves, and reads a record's
// secret (which the store opens on that first read) only to make a provider: a warm call opens no
// secret. A provider's save writes only over the settings it last knew stored (ifStamp), so a token
// cache saved late never overwrites a reconnect's new grant.
import { providerError, type ExecutionErrorResult } from "@mcpemails/generated";
import { addressKey } from "../mail/addresses.js";
import type { InboxRecord, Store } from "../store/store.js";
import type { MailNetworkPolicy } from "./imap/mail-network.js";
import type { ImapPoolOptions } from "./imap/imap-settings.js";
import { ConnectError, type GoogleAppConfig, type MicrosoftAppConfig } from "./provider-apps.js";
import type { ProviderModule } from "./provider-module.js";
import { PROVIDER_MODULES } from "./provider-modules.js";
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
  /** Told when an IMAP send went out but its copy could not be filed in the Sent folder, and why. */
  onSentCopyNotFiled?: (event: { inboxId: string; reason: string }) => void;
  /** The providers served (PROVIDER_MODULES unless a test says). */
  modules?: readonly ProviderModule[];
}

export type ProviderRegistry = ((inbox: InboxRecord) => MailProvider) & {
  /** Closes every provider made so far (IMAP connections, timers). */
  close(): Promise<void>;
};

/**
 * How many values of an inbox's settings a kept provider answers for, the newest: not only the last,
 * since a call may bring a record read just before the provider's latest save.
 */
const KNOWN_SETTINGS = 8;

/** A provider kept for one inbox, and the stamps of the inbox's settings it answers for. */
interface Kept {
  provider: ClosableProvider;
  /** The stamp it was made from and those of its saves, in the order learnt, oldest first; at most KNOWN_SETTINGS. */
  known: Set<string | null>;
  /** The stamp of the newest settings it knows stored: its next save writes only over them. */
  latest: string | null;
  /** Its saves, one after the other, so that each writes over the one before. */
  saving: Promise<void>;
  replaced: boolean;
}

function learn(kept: Kept, value: string | null): void {
  kept.known.delete(value);
  kept.known.add(value);
  for (const oldest of kept.known) {
    if (kept.known.size <= KNOWN_SETTINGS) break;
    kept.known.delete(oldest);
  }
}

export function createProviderRegistry(store: ProviderStore, options: ProviderRegistryOptions = {}): ProviderRegistry {
  const now = options.now ?? (() => new Date());
  const kept = new Map<string, Kept>();

  /**
   * Stores settings the inbox's own provider changed (a refreshed token cache), learning their stamp
   * just before the write so that the records read after it are still this provider's. The write
   * happens only over the settings the provider last knew stored: when someone else wrote since (a
   * reconnect), it writes nothing, and the next call makes a provider from their settings. A
   * replaced provider's save is dropped.
   */
  const saveOwn = (entry: () => Kept | undefined, inboxId: string, secret: string): Promise<void> => {
    const self = entry();
    if (self === undefined || self.replaced) return Promise.resolve();
    const save = self.saving.then(async () => {
      if (self.replaced) return;
      const stamp = await store.updateInboxSecret?.(inboxId, secret, {
        ifStamp: self.latest,
        beforeWrite: (next) => learn(self, next),
      });
      if (stamp !== undefined) self.latest = stamp;
    });
    self.saving = save.catch(() => undefined);
    return save;
  };

  const modules = new Map((options.modules ?? PROVIDER_MODULES).map((module) => [module.kind, module]));

  function makeKept(inbox: InboxRecord, entry: () => Kept | undefined): ClosableProvider {
    const module = inbox.kind === "sandbox" ? undefined : modules.get(inbox.kind);
    if (module === undefined) throw new ConnectError(`this server has no provider for ${inbox.kind} inboxes`);
    return module.create(inbox, {
      now,
      google: options.google,
      microsoft: options.microsoft,
      imapPool: options.imapPool,
      mailNetwork: options.mailNetwork,
      onSentCopyNotFiled: options.onSentCopyNotFiled,
      saveSettings: (secret) => saveOwn(entry, inbox.id, secret),
    });
  }

  const sandboxes = new WeakMap<InboxRecord, MailProvider>();
  const sandboxFor = (inbox: InboxRecord): MailProvider => {
    let provider = sandboxes.get(inbox);
    if (provider === undefined) {
      provider = createSandboxProvider({
        inbox,
        mailbox: store,
        deliverTo: (address) => findSandboxInbox(store, inbox.workspaceId, address),
        now,
      });
      sandboxes.set(inbox, provider);
    }
    return provider;
  };

  const providerFor = (inbox: InboxRecord): MailProvider => {
    if (inbox.kind === "sandbox") return sandboxFor(inbox);
    const existing = kept.get(inbox.id);
    // The hot path: settings the kept provider was made from or saved itself, told by their stamp.
    const settings = settingsKey(inbox);
    if (existing?.known.has(settings)) return existing.provider;
    // Someone else wrote them (or this is the inbox's first call): a provider made from them replaces
    // the kept one. Values of the replaced provider are not carried over: settings changed back to
    // an earlier value (an IMAP password restored) are a change too.
    let made: Kept | undefined;
    try {
      made = {
        provider: makeKept(inbox, () => made),
        known: new Set(),
        latest: inbox.secretStamp ?? null,
        saving: Promise.resolve(),
        replaced: false,
      };
    } catch (error) {
      if (error instanceof ConnectError)
        return unavailableProvider(`${inbox.kind} inbox ${inbox.id} cannot be served: ${error.message}`);
      throw error;
    } finally {
      if (existing !== undefined) {
        existing.replaced = true;
        kept.delete(inbox.id);
        void existing.provider.close().catch(() => undefined);
      }
    }
    learn(made, settings);
    kept.set(inbox.id, made);
    return made.provider;
  };
  return Object.assign(providerFor, {
    async close() {
      const closing = [...kept.values()];
      kept.clear();
      await Promise.allSettled(closing.map(({ provider }) => provider.close()));
    },
  });
}

/**
 * What tells an inbox's settings apart: their stamp, read without opening them. A record made by hand
 * (a test's) may have none; its settings themselves then stand for it (never equal to a stamp, which
 * is hex).
 */
function settingsKey(inbox: InboxRecord): string | null {
  return inbox.secretStamp !== undefined
    ? inbox.secretStamp
    : inbox.secret === null
      ? null
      : `settings:${inbox.secret}`;
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
    list_folders: unavailable,
    get_thread: unavailable,
    get_attachment: unavailable,
    create_draft: unavailable,
    update_draft: unavailable,
    delete_draft: unavailable,
    send_draft: unavailable,
  };
}

// What a provider folder registers (provider-modules.ts): the inbox kind it serves and how to make
// the provider of one inbox from its stored settings. The module itself stays small: the provider's
// code is imported on its first call (lazy-provider.ts).
import type { InboxKind, InboxRecord } from "../store/store.js";
import type { MailNetworkPolicy } from "./imap/mail-network.js";
import type { ImapPoolOptions } from "./imap/imap-settings.js";
import type { GoogleAppConfig, MicrosoftAppConfig } from "./provider-apps.js";
import type { ClosableProvider } from "./provider.js";

/** What the registry hands every module: the server's configuration and the inbox's own save. */
export interface ProviderEnvironment {
  now: () => Date;
  google?: GoogleAppConfig | undefined;
  microsoft?: MicrosoftAppConfig | undefined;
  imapPool?: ImapPoolOptions | undefined;
  mailNetwork?: MailNetworkPolicy | undefined;
  onSentCopyNotFiled?: ((event: { inboxId: string; reason: string }) => void) | undefined;
  /** Stores settings the provider itself changed (a refreshed token cache), as the inbox's secret. */
  saveSettings(secret: string): Promise<void>;
}

export interface ProviderModule {
  kind: Exclude<InboxKind, "sandbox">;
  /** The inbox's provider; throws ConnectError when this server cannot serve the inbox (no OAuth app, bad settings). */
  create(inbox: InboxRecord, environment: ProviderEnvironment): ClosableProvider;
}

import type { ProviderModule } from "../provider-module.js";
import { ConnectError } from "../provider-apps.js";
import { lazyProvider } from "../lazy-provider.js";
import { STRICT_MAIL_NETWORK } from "./mail-network.js";
import { DEFAULT_IMAP_POOL, parseImapSettings } from "./imap-settings.js";

export const imapModule: ProviderModule = {
  kind: "imap",
  create(inbox, environment) {
    const settings = parseImapSettings(inbox.secret);
    const service = settings.oauth?.service;
    if (service !== undefined && environment[service] === undefined)
      throw new ConnectError(
        `it signs in with ${service === "google" ? "Google" : "Microsoft"}, and this server has no such app configured`,
      );
    return lazyProvider(async () =>
      (await import("./imap-provider.js")).createImapProvider({
        inbox,
        settings,
        pool: environment.imapPool ?? DEFAULT_IMAP_POOL,
        network: environment.mailNetwork ?? STRICT_MAIL_NETWORK,
        now: environment.now,
        apps: { google: environment.google, microsoft: environment.microsoft },
        saveSettings: environment.saveSettings,
        ...(environment.onSentCopyNotFiled ? { onSentCopyNotFiled: environment.onSentCopyNotFiled } : {}),
      }),
    );
  },
};

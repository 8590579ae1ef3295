import type { ProviderModule } from "../provider-module.js";
import { lazyProvider } from "../lazy-provider.js";
import { STRICT_MAIL_NETWORK } from "./mail-network.js";
import { DEFAULT_IMAP_POOL, parseImapSettings } from "./imap-settings.js";

export const imapModule: ProviderModule = {
  kind: "imap",
  create(inbox, environment) {
    const settings = parseImapSettings(inbox.secret);
    return lazyProvider(async () =>
      (await import("./imap-provider.js")).createImapProvider({
        inbox,
        settings,
        pool: environment.imapPool ?? DEFAULT_IMAP_POOL,
        network: environment.mailNetwork ?? STRICT_MAIL_NETWORK,
        now: environment.now,
        ...(environment.onSentCopyNotFiled ? { onSentCopyNotFiled: environment.onSentCopyNotFiled } : {}),
      }),
    );
  },
};

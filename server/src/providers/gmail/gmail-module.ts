import type { ProviderModule } from "../provider-module.js";
import { ConnectError } from "../provider-apps.js";
import { lazyProvider } from "../lazy-provider.js";
import { parseGmailSettings } from "./gmail-settings.js";

export const gmailModule: ProviderModule = {
  kind: "gmail",
  create(inbox, environment) {
    const app = environment.google;
    if (app === undefined)
      throw new ConnectError(
        "this server has no Google OAuth client configured (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)",
      );
    const settings = parseGmailSettings(inbox.secret);
    return lazyProvider(async () =>
      (await import("./gmail-provider.js")).createGmailProvider({ inbox, settings, app, now: environment.now }),
    );
  },
};

import type { ProviderModule } from "../provider-module.js";
import { ConnectError } from "../provider-apps.js";
import { lazyProvider } from "../lazy-provider.js";
import { parseOutlookSettings } from "./outlook-settings.js";

export const outlookModule: ProviderModule = {
  kind: "outlook",
  create(inbox, environment) {
    const app = environment.microsoft;
    if (app === undefined)
      throw new ConnectError(
        "this server has no Microsoft app configured (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET)",
      );
    const settings = parseOutlookSettings(inbox.secret);
    return lazyProvider(async () =>
      (await import("./outlook-provider.js")).createOutlookProvider({
        inbox,
        settings,
        app,
        saveSettings: (changed) => environment.saveSettings(JSON.stringify(changed)),
        now: environment.now,
      }),
    );
  },
};

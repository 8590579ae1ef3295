// PLACEHOLDER: being written (issue 6). The signature is the registry's contract.
import type { InboxRecord } from "../../store/store.js";
import type { MicrosoftAppConfig } from "../provider-apps.js";
import type { ClosableProvider } from "../provider.js";
import type { OutlookSettings } from "./outlook-settings.js";

export interface OutlookProviderOptions {
  inbox: InboxRecord;
  settings: OutlookSettings;
  app: MicrosoftAppConfig;
  /** Stores the settings again (encrypted) when MSAL's token cache changed. */
  saveSettings: (settings: OutlookSettings) => Promise<void>;
  now?: () => Date;
}

export function createOutlookProvider(_options: OutlookProviderOptions): ClosableProvider {
  throw new Error("createOutlookProvider: not written yet");
}

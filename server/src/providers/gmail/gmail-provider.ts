// PLACEHOLDER: being written (issue 5). The signature is the registry's contract.
import type { InboxRecord } from "../../store/store.js";
import type { GoogleAppConfig } from "../provider-apps.js";
import type { ClosableProvider } from "../provider.js";
import type { GmailSettings } from "./gmail-settings.js";

export interface GmailProviderOptions {
  inbox: InboxRecord;
  settings: GmailSettings;
  app: GoogleAppConfig;
  now?: () => Date;
}

export function createGmailProvider(_options: GmailProviderOptions): ClosableProvider {
  throw new Error("createGmailProvider: not written yet");
}

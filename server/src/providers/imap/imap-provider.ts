// PLACEHOLDER: being written (issue 4). The signature is the registry's contract.
import type { InboxRecord } from "../../store/store.js";
import type { ClosableProvider } from "../provider.js";
import type { ImapPoolOptions, ImapSettings } from "./imap-settings.js";

export interface ImapProviderOptions {
  inbox: InboxRecord;
  settings: ImapSettings;
  pool: ImapPoolOptions;
  now?: () => Date;
}

export function createImapProvider(_options: ImapProviderOptions): ClosableProvider {
  throw new Error("createImapProvider: not written yet");
}

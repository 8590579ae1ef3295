// The providers of real mailboxes this server serves, one registration line each. The sandbox is not
// among them: it holds nothing and is made per call (registry.ts).
import { gmailModule } from "./gmail/gmail-module.js";
import { imapModule } from "./imap/imap-module.js";
import { outlookModule } from "./outlook/outlook-module.js";
import type { ProviderModule } from "./provider-module.js";

export const PROVIDER_MODULES: readonly ProviderModule[] = [imapModule, gmailModule, outlookModule];

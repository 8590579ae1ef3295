// PLACEHOLDER: being written (issue 5).
import type { ConnectedMailbox, GoogleAppConfig } from "../provider-apps.js";
import type { GmailSettings } from "./gmail-settings.js";

/** Google's consent URL: offline access, the narrowest scopes that serve the five tools, this state. */
export function gmailConsentUrl(_app: GoogleAppConfig, _state: string): string {
  throw new Error("gmailConsentUrl: not written yet");
}

/** Exchanges the code of the callback for a refresh token and reads the mailbox's address; ConnectError when Google refuses. */
export async function exchangeGmailCode(_app: GoogleAppConfig, _code: string): Promise<ConnectedMailbox<GmailSettings>> {
  throw new Error("exchangeGmailCode: not written yet");
}

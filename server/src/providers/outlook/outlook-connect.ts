// PLACEHOLDER: being written (issue 6).
import type { ConnectedMailbox, MicrosoftAppConfig } from "../provider-apps.js";
import type { OutlookSettings } from "./outlook-settings.js";

/** Microsoft's consent URL (authorization code flow): Mail.ReadWrite, Mail.Send, offline_access, this state. */
export async function outlookConsentUrl(_app: MicrosoftAppConfig, _state: string): Promise<string> {
  throw new Error("outlookConsentUrl: not written yet");
}

/** Redeems the code of the callback through MSAL; the settings hold MSAL's token cache. ConnectError when Microsoft refuses. */
export async function exchangeOutlookCode(_app: MicrosoftAppConfig, _code: string): Promise<ConnectedMailbox<OutlookSettings>> {
  throw new Error("exchangeOutlookCode: not written yet");
}

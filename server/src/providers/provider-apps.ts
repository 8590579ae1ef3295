// The OAuth applications a server may be configured with (see config.ts): who the server is to
// Google and Microsoft when it asks a user to connect a mailbox, and where consent comes back to.
export interface GoogleAppConfig {
  clientId: string;
  clientSecret: string;
  /** <public URL>/oauth/google/callback, registered with the Google client. */
  redirectUri: string;
}

export interface MicrosoftAppConfig {
  clientId: string;
  clientSecret: string;
  /** "common", "organizations", "consumers" or a tenant id. */
  tenant: string;
  /** <public URL>/oauth/microsoft/callback, registered with the Entra app. */
  redirectUri: string;
}

/** A connect flow that failed in a way the person connecting can act on; the message says how. */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
}

/** What a finished OAuth consent gives: the settings to store (encrypted) and the mailbox's address. */
export interface ConnectedMailbox<Settings> {
  settings: Settings;
  address: string;
}

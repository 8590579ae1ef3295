// The fake Gmail listening through msw, with one OAuth client and mailboxes granted to it: what
// the provider's tests and `pnpm bench gmail` start from.
import { setupServer, type SetupServer } from "msw/node";
import type { GoogleAppConfig } from "../../../src/providers/provider-apps.js";
import type { GmailSettings } from "../../../src/providers/gmail/gmail-settings.js";
import { createFakeGmail, type FakeGmail } from "./fake-gmail.js";
import { GMAIL_SCOPE } from "./fake-oauth.js";

export const RIG_APP: GoogleAppConfig = {
  clientId: "rig-client.apps.googleusercontent.com",
  clientSecret: "rig-client-secret",
  redirectUri: "http://127.0.0.1/oauth/google/callback",
};

export interface GmailRig {
  gmail: FakeGmail;
  app: GoogleAppConfig;
  /** The msw server, for a test that puts its own answer in front of the fake's (server.use). */
  msw: SetupServer;
  /** Adds a mailbox and grants it to the app: the settings a connected inbox stores. */
  connect(address: string, scopes?: readonly string[]): GmailSettings;
  close(): void;
}

export function startGmailRig(): GmailRig {
  const gmail = createFakeGmail();
  gmail.oauth.registerClient(RIG_APP.clientId, RIG_APP.clientSecret);
  const server = setupServer(...gmail.handlers);
  // The tests' own requests (to the loopback MCP server) pass through.
  server.listen({ onUnhandledRequest: "bypass" });
  return {
    gmail,
    app: RIG_APP,
    msw: server,
    connect(address, scopes = [GMAIL_SCOPE.modify]) {
      gmail.mailboxes.addMailbox(address);
      return { refreshToken: gmail.oauth.grant({ clientId: RIG_APP.clientId, address, scopes }), address };
    },
    close() {
      server.close();
    },
  };
}

// The Graph fake listening through msw, and mailboxes connected to it the way a person connects one
// (consent, then the callback's code redeemed by exchangeOutlookCode): what tests and the benchmark
// start from. Requests msw has no handler for (the test's own calls to its loopback server) pass.
import { setupServer, type SetupServer } from "msw/node";
import type { MicrosoftAppConfig } from "../../../src/providers/provider-apps.js";
import { exchangeOutlookCode } from "../../../src/providers/outlook/outlook-connect.js";
import type { OutlookSettings } from "../../../src/providers/outlook/outlook-settings.js";
import { GraphFake } from "./graph-fake.js";

export const FAKE_MICROSOFT_APP: MicrosoftAppConfig = {
  clientId: "6731de76-14a6-49ae-97bc-6eba6914391e",
  clientSecret: "fake-client-secret-value",
  tenant: "common",
  redirectUri: "http://127.0.0.1:3000/oauth/microsoft/callback",
};

export interface GraphFakeSession {
  fake: GraphFake;
  msw: SetupServer;
  /** Hosts the mailbox (if not yet) and connects it: the settings an Outlook inbox stores. */
  connect(address: string, displayName?: string): Promise<OutlookSettings>;
  close(): void;
}

export function startGraphFake(app: MicrosoftAppConfig = FAKE_MICROSOFT_APP): GraphFakeSession {
  const fake = new GraphFake(app);
  const msw = setupServer(...fake.handlers());
  msw.listen({ onUnhandledRequest: "bypass" });
  return {
    fake,
    msw,
    async connect(address, displayName) {
      if (fake.hostedMailbox(address) === undefined) fake.addMailbox(address, displayName);
      return (await exchangeOutlookCode(app, fake.issueAuthorizationCode(address))).settings;
    },
    close: () => msw.close(),
  };
}

// An IMAP/SMTP inbox that signs in with OAuth (XOAUTH2), as a Gmail or Microsoft 365 account does:
// the real Dovecot of scripts/dovecot.sh checking each access token with the test's introspection
// endpoint, the SMTP relay checking them the same way, and Google's token endpoint played by msw.
import { randomBytes } from "node:crypto";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListInboxOutput, SendResult } from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import {
  createRigUser,
  dovecotRig,
  LOOPBACK_MAIL_NETWORK,
  openImapClient,
  writeMaildirMessages,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import { startOAuthIntrospection, type OAuthIntrospection } from "../../../test/support/oauth-introspection.js";
import { startSmtpRelay, type SmtpRelay } from "../../../test/support/smtp-relay.js";
import type { ClosableProvider } from "../provider.js";
import { ConnectError } from "../provider-apps.js";
import { verifyImapSettings } from "./imap-connect.js";
import { createImapProvider } from "./imap-provider.js";
import type { ImapSettings } from "./imap-settings.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
if (rig === undefined)
  console.warn("imap-xoauth2.test.ts skipped: no Dovecot rig (run `bash scripts/dovecot.sh start`)");

const GOOGLE = {
  clientId: "imap-client",
  clientSecret: "imap-secret",
  redirectUri: "http://127.0.0.1/oauth/google/callback",
};
const INBOX_ID = "5b0b2d0e-7a51-4d8e-9c0f-1f7b3a9e2c11";
const signal = new AbortController().signal;

let introspection: OAuthIntrospection;
let relay: SmtpRelay;
let user: RigUser;
let peer: RigUser;
/** refresh token -> user, as Google's token endpoint knows its grants; each refresh mints a token Dovecot accepts. */
const grants = new Map<string, string>();
const minted: string[] = [];
const msw = setupServer(
  http.post("https://oauth2.googleapis.com/token", async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    const owner = grants.get(form.get("refresh_token") ?? "");
    if (form.get("client_id") !== GOOGLE.clientId || form.get("client_secret") !== GOOGLE.clientSecret)
      return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
    if (owner === undefined) return HttpResponse.json({ error: "invalid_grant" }, { status: 400 });
    const token = `ya29.${randomBytes(12).toString("hex")}`;
    minted.push(token);
    introspection.grant(token, owner);
    return HttpResponse.json({ access_token: token, expires_in: 3599, token_type: "Bearer" });
  }),
);

function settingsOf(address: string, refreshToken: string): ImapSettings {
  return {
    imap: { host: rig?.host ?? "127.0.0.1", port: rig?.imapPort ?? 0, security: "plaintext" },
    smtp: { host: "127.0.0.1", port: relay.port, security: "plaintext" },
    user: address,
    password: "",
    address,
    oauth: { service: "google", refreshToken },
  };
}

function providerFor(settings: ImapSettings, idleCloseMs = 30_000): ClosableProvider {
  const inbox = { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [settings.address] };
  return createImapProvider({
    inbox: inbox as unknown as InboxRecord,
    settings,
    pool: { maxConnectionsPerInbox: 1, idleCloseMs },
    network: LOOPBACK_MAIL_NETWORK,
    apps: { google: GOOGLE },
  });
}

const list = { inbox_id: INBOX_ID, limit: 20, offset: 0, folder: "INBOX", unread_only: false } as const;

describeWithRig("an IMAP/SMTP inbox signing in with OAuth (XOAUTH2)", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    msw.listen({ onUnhandledRequest: "bypass" });
    introspection = await startOAuthIntrospection();
    relay = await startSmtpRelay({
      rig,
      checkAccessToken: (name, token) => minted.includes(token) && grants.get(`refresh-${name}`) === name,
    });
    user = await createRigUser(rig, "xoauth");
    peer = await createRigUser(rig, "xoauth-peer");
    grants.set(`refresh-${user.address}`, user.address);
    await writeMaildirMessages(rig, user.address, "INBOX", [
      {
        raw: `From: Bob <bob@example.test>\r\nTo: ${user.address}\r\nSubject: Over XOAUTH2\r\nMessage-ID: <x1@example.test>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n`,
      },
    ]);
  });
  afterAll(async () => {
    msw.close();
    await relay?.close();
    await introspection?.close();
  });

  it("reads its mailbox with an access token got from its refresh token, never with a password", async () => {
    const provider = providerFor(settingsOf(user.address, `refresh-${user.address}`));
    try {
      const page = (await provider.list_inbox(list, signal)) as ListInboxOutput;
      expect(page.messages.map((message) => message.subject)).toEqual(["Over XOAUTH2"]);
      expect(introspection.asked.some((token) => minted.includes(token))).toBe(true);
    } finally {
      await provider.close();
    }
  });

  it("sends through SMTP with XOAUTH2, and the message arrives", async () => {
    const provider = providerFor(settingsOf(user.address, `refresh-${user.address}`));
    try {
      const sent = (await provider.send_email(
        {
          inbox_id: INBOX_ID,
          to: [peer.address],
          subject: "Sent with a token",
          body: "Hi",
          cc: [],
          bcc: [],
          attachments: [],
        },
        signal,
      )) as SendResult;
      expect(sent.rfc822_message_id).toMatch(/^<.+@.+>$/);
      const client = await openImapClient(rig!, peer);
      try {
        await client.mailboxOpen("INBOX");
        const subjects: string[] = [];
        for await (const message of client.fetch("1:*", { envelope: true }))
          subjects.push(message.envelope?.subject ?? "");
        expect(subjects).toContain("Sent with a token");
      } finally {
        await client.logout();
      }
    } finally {
      await provider.close();
    }
  });

  it("gets a new token once when the server refuses the one in hand (revoked early), and goes on", async () => {
    // Idle connections close at once, so that the second call logs in again with the token in hand.
    const provider = providerFor(settingsOf(user.address, `refresh-${user.address}`), 20);
    try {
      await provider.list_inbox(list, signal);
      const before = minted.length;
      for (const token of minted) introspection.revoke(token);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await provider.list_inbox(list, signal)).toMatchObject({ messages: [expect.anything()] });
      expect(minted.length).toBe(before + 1);
    } finally {
      await provider.close();
    }
  });

  it("answers auth_failed when Google no longer honours the refresh token: the owner must reconnect", async () => {
    const provider = providerFor(settingsOf(user.address, "refresh-revoked"));
    try {
      expect(await provider.list_inbox(list, signal)).toMatchObject({ isError: true, errorCode: "auth_failed" });
    } finally {
      await provider.close();
    }
  });

  it("says nothing was sent when Google's sign-in service cannot be reached during a send, and nothing reaches SMTP", async () => {
    grants.set(`refresh-${peer.address}`, peer.address);
    const provider = providerFor(settingsOf(peer.address, `refresh-${peer.address}`));
    msw.use(http.post("https://oauth2.googleapis.com/token", () => HttpResponse.error()));
    try {
      const before = relay.accepted();
      const result = await provider.send_email(
        { inbox_id: INBOX_ID, to: [user.address], subject: "x", body: "x", cc: [], bcc: [], attachments: [] },
        signal,
      );
      expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
      expect(result).not.toHaveProperty("deliveryStatus");
      expect(JSON.stringify(result)).toMatch(/sign-in service.*Nothing was sent\./);
      expect(relay.accepted()).toBe(before);
    } finally {
      msw.resetHandlers();
      await provider.close();
    }
  });

  it("is verified with a token when added, and refused with the sign-in's reason when Google refuses", async () => {
    await verifyImapSettings(settingsOf(user.address, `refresh-${user.address}`), LOOPBACK_MAIL_NETWORK, {
      google: GOOGLE,
    });
    const refused = verifyImapSettings(settingsOf(user.address, "refresh-revoked"), LOOPBACK_MAIL_NETWORK, {
      google: GOOGLE,
    });
    await expect(refused).rejects.toBeInstanceOf(ConnectError);
    await expect(refused).rejects.toThrow(
      /the sign-in failed: Google refused the inbox's stored sign-in \(invalid_grant\)/,
    );
  });
});

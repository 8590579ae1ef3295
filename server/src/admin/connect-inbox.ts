// Adding the inboxes of real mailboxes, for the CLI, the admin API and the OAuth callback alike:
// IMAP/SMTP by settings checked with a login before anything is saved; Gmail and Outlook by an OAuth
// consent whose callback stores the grant. The grant or password is stored encrypted (the store
// seals InboxRecord.secret) and never echoed. Connecting a mailbox the workspace already has
// replaces its grant and keeps its inbox id, which is how a revoked grant is mended.
import type { KeyMode } from "@mcpemails/generated";
import { addressKey } from "../mail/addresses.js";
import { createOAuthStateSigner, type OAuthKind, type OAuthStateSigner } from "../oauth/oauth-state.js";
import type { ImapSettings } from "../providers/imap/imap-settings.js";
import { STRICT_MAIL_NETWORK, type MailNetworkPolicy } from "../providers/imap/mail-network.js";
import {
  ConnectError,
  type ConnectedMailbox,
  type GoogleAppConfig,
  type MicrosoftAppConfig,
} from "../providers/provider-apps.js";
import type { InboxKind, InboxRecord, Store } from "../store/store.js";
import { AdminInputError } from "./operations.js";

/** What connecting needs: the configured OAuth apps, the state signer, and the provider calls (replaceable in tests). */
export interface ConnectDeps {
  google: GoogleAppConfig | undefined;
  microsoft: MicrosoftAppConfig | undefined;
  stateSigner: OAuthStateSigner;
  verifyImap: (settings: ImapSettings) => Promise<void>;
  gmail: {
    consentUrl: (app: GoogleAppConfig, state: string) => string | Promise<string>;
    exchange: (app: GoogleAppConfig, code: string) => Promise<ConnectedMailbox<unknown>>;
  };
  outlook: {
    consentUrl: (app: MicrosoftAppConfig, state: string) => string | Promise<string>;
    exchange: (app: MicrosoftAppConfig, code: string) => Promise<ConnectedMailbox<unknown>>;
  };
}

export function defaultConnectDeps(config: {
  google: GoogleAppConfig | undefined;
  microsoft: MicrosoftAppConfig | undefined;
  secretKey: Buffer;
  /** Where IMAP/SMTP servers may be; nothing internal and no plaintext beyond loopback when unset. */
  mailNetwork?: MailNetworkPolicy;
}): ConnectDeps {
  return {
    google: config.google,
    microsoft: config.microsoft,
    stateSigner: createOAuthStateSigner(config.secretKey),
    // Each provider's client library is imported when a mailbox of its kind is first connected.
    verifyImap: async (settings) =>
      (await import("../providers/imap/imap-connect.js")).verifyImapSettings(
        settings,
        config.mailNetwork ?? STRICT_MAIL_NETWORK,
      ),
    gmail: {
      consentUrl: async (app, state) =>
        (await import("../providers/gmail/gmail-connect.js")).gmailConsentUrl(app, state),
      exchange: async (app, code) => (await import("../providers/gmail/gmail-connect.js")).exchangeGmailCode(app, code),
    },
    outlook: {
      consentUrl: async (app, state) =>
        (await import("../providers/outlook/outlook-connect.js")).outlookConsentUrl(app, state),
      exchange: async (app, code) =>
        (await import("../providers/outlook/outlook-connect.js")).exchangeOutlookCode(app, code),
    },
  };
}

export async function addImapInbox(
  store: Store,
  deps: Pick<ConnectDeps, "verifyImap">,
  input: { workspaceId: string; settings: ImapSettings; mode?: KeyMode },
): Promise<InboxRecord> {
  await requireWorkspace(store, input.workspaceId);
  try {
    await deps.verifyImap(input.settings);
  } catch (error) {
    if (error instanceof ConnectError) throw new AdminInputError(`The inbox was not added: ${error.message}`);
    throw error;
  }
  return saveConnectedInbox(store, {
    workspaceId: input.workspaceId,
    kind: "imap",
    mode: input.mode ?? "live",
    address: input.settings.address,
    secret: JSON.stringify(input.settings),
  });
}

/** The consent URL a person opens to connect a Gmail or Outlook mailbox to the workspace. */
export async function beginOAuthConnect(
  store: Store,
  deps: ConnectDeps,
  input: { workspaceId: string; kind: OAuthKind },
): Promise<string> {
  await requireWorkspace(store, input.workspaceId);
  const state = deps.stateSigner.sign({ workspaceId: input.workspaceId, kind: input.kind });
  if (input.kind === "gmail")
    return deps.gmail.consentUrl(requireApp(deps.google, "Google", "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET"), state);
  return deps.outlook.consentUrl(
    requireApp(deps.microsoft, "Microsoft", "MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET"),
    state,
  );
}

/** The callback's half: checks the state, redeems the code, stores the grant. AdminInputError says what went wrong. */
export async function completeOAuthConnect(
  store: Store,
  deps: ConnectDeps,
  input: { kind: OAuthKind; code: string | undefined; state: string | undefined; error?: string | undefined },
): Promise<InboxRecord> {
  if (input.error !== undefined)
    throw new AdminInputError(`The consent was not given (${input.error}); nothing was connected.`);
  if (input.code === undefined || input.code === "" || input.state === undefined)
    throw new AdminInputError("The callback needs the code and state parameters the consent page sends.");
  const verified = deps.stateSigner.verify(input.state, input.kind);
  if (!verified.ok) throw new AdminInputError(`Nothing was connected: ${verified.reason}.`);
  await requireWorkspace(store, verified.claims.workspaceId);
  let connected: ConnectedMailbox<unknown>;
  try {
    connected =
      input.kind === "gmail"
        ? await deps.gmail.exchange(
            requireApp(deps.google, "Google", "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET"),
            input.code,
          )
        : await deps.outlook.exchange(
            requireApp(deps.microsoft, "Microsoft", "MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET"),
            input.code,
          );
  } catch (error) {
    if (error instanceof ConnectError) throw new AdminInputError(`Nothing was connected: ${error.message}`);
    throw error;
  }
  return saveConnectedInbox(store, {
    workspaceId: verified.claims.workspaceId,
    kind: input.kind,
    mode: "live",
    address: connected.address,
    secret: JSON.stringify(connected.settings),
  });
}

async function saveConnectedInbox(
  store: Store,
  input: { workspaceId: string; kind: InboxKind; mode: KeyMode; address: string; secret: string },
): Promise<InboxRecord> {
  const existing = (await store.listInboxes(input.workspaceId)).find(
    (inbox) =>
      inbox.kind === input.kind &&
      inbox.mode === input.mode &&
      inbox.addresses.some((own) => addressKey(own) === addressKey(input.address)),
  );
  if (existing && (await store.updateInboxSecret(existing.id, input.secret)))
    return { ...existing, secret: input.secret };
  return store.createInbox({
    workspaceId: input.workspaceId,
    mode: input.mode,
    kind: input.kind,
    addresses: [input.address],
    secret: input.secret,
  });
}

async function requireWorkspace(store: Store, id: string): Promise<void> {
  if (!(await store.getWorkspace(id))) throw new AdminInputError(`No workspace ${id}.`);
}

function requireApp<App>(app: App | undefined, who: string, variables: string): App {
  if (app === undefined)
    throw new AdminInputError(
      `This server has no ${who} OAuth app configured: set ${variables} (and MCPEMAILS_PUBLIC_URL if the server is not reached at http://HOST:PORT).`,
    );
  return app;
}

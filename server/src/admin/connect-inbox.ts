// Adding the inboxes of real mailboxes, for the CLI, the admin API and the OAuth callback alike:
// IMAP/SMTP by settings checked with a login before anything is saved; Gmail and Outlook by an OAuth
// consent whose callback stores the grant. The grant or password is stored encrypted (the store
// seals InboxRecord.secret) and never echoed. Connecting a mailbox the workspace already has
// replaces its grant and keeps its inbox id, which is how a revoked grant is mended.
import type { KeyMode } from "@mcpemails/generated";
import { addressKey } from "../mail/addresses.js";
import { sameSecret } from "../auth/bearer-token.js";
import {
  createOAuthStateSigner,
  type OAuthKind,
  type OAuthStateSigner,
  type VerifiedState,
} from "../oauth/oauth-state.js";
import type { ImapOAuthService } from "../providers/imap/imap-oauth-tokens.js";
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
    consentUrl: (app: GoogleAppConfig, state: string, codeChallenge: string) => string | Promise<string>;
    exchange: (app: GoogleAppConfig, code: string, codeVerifier: string) => Promise<ConnectedMailbox<unknown>>;
  };
  outlook: {
    consentUrl: (app: MicrosoftAppConfig, state: string, codeChallenge: string) => string | Promise<string>;
    exchange: (app: MicrosoftAppConfig, code: string, codeVerifier: string) => Promise<ConnectedMailbox<unknown>>;
  };
  /** A Gmail or Microsoft 365 mailbox connected as an IMAP/SMTP inbox signing in with OAuth (XOAUTH2). */
  imapOAuth: {
    consentUrl: (service: ImapOAuthService, state: string, codeChallenge: string) => string | Promise<string>;
    exchange: (
      service: ImapOAuthService,
      code: string,
      codeVerifier: string,
    ) => Promise<ConnectedMailbox<ImapSettings>>;
  };
}

export function defaultConnectDeps(config: {
  google: GoogleAppConfig | undefined;
  microsoft: MicrosoftAppConfig | undefined;
  secretKey: Buffer;
  /** Where IMAP/SMTP servers may be; nothing internal and no plaintext beyond loopback when unset. */
  mailNetwork?: MailNetworkPolicy;
}): ConnectDeps {
  const apps = { google: config.google, microsoft: config.microsoft };
  return {
    google: config.google,
    microsoft: config.microsoft,
    stateSigner: createOAuthStateSigner(config.secretKey),
    // Each provider's client library is imported when a mailbox of its kind is first connected.
    verifyImap: async (settings) =>
      (await import("../providers/imap/imap-connect.js")).verifyImapSettings(
        settings,
        config.mailNetwork ?? STRICT_MAIL_NETWORK,
        apps,
      ),
    gmail: {
      consentUrl: async (app, state, challenge) =>
        (await import("../providers/gmail/gmail-connect.js")).gmailConsentUrl(app, state, challenge),
      exchange: async (app, code, verifier) =>
        (await import("../providers/gmail/gmail-connect.js")).exchangeGmailCode(app, code, verifier),
    },
    outlook: {
      consentUrl: async (app, state, challenge) =>
        (await import("../providers/outlook/outlook-connect.js")).outlookConsentUrl(app, state, challenge),
      exchange: async (app, code, verifier) =>
        (await import("../providers/outlook/outlook-connect.js")).exchangeOutlookCode(app, code, verifier),
    },
    imapOAuth: {
      consentUrl: async (service, state, challenge) =>
        (await import("../providers/imap/imap-oauth-connect.js")).imapConsentUrl(service, apps, state, challenge),
      exchange: async (service, code, verifier) =>
        (await import("../providers/imap/imap-oauth-connect.js")).exchangeImapCode(service, apps, code, verifier),
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

/**
 * The link a person opens to connect a Gmail or Outlook mailbox to the workspace: this server's
 * /oauth/<provider>/start, which binds the flow to that browser and sends it on to the consent page.
 */
export async function beginOAuthConnect(
  store: Store,
  deps: ConnectDeps,
  input: { workspaceId: string; kind: OAuthKind; fromDashboard?: boolean; via?: "imap" },
): Promise<string> {
  await requireWorkspace(store, input.workspaceId);
  const state = deps.stateSigner.sign({
    workspaceId: input.workspaceId,
    kind: input.kind,
    fromDashboard: input.fromDashboard,
    ...(input.via === undefined ? {} : { via: input.via }),
  });
  const start = new URL(oauthApp(deps, input.kind).redirectUri.replace(/\/callback$/u, "/start"));
  start.searchParams.set("state", state);
  return start.toString();
}

/**
 * The start link's half: its first opening (only that one) gets the provider's consent URL, with
 * the PKCE challenge, and the cookie value that the callback will ask the same browser for.
 */
export async function startOAuthConnect(
  store: Store,
  deps: ConnectDeps,
  input: { kind: OAuthKind; state: string | undefined },
): Promise<{ consentUrl: string; browserBinding: string; expiresAtMs: number }> {
  if (input.state === undefined) throw new AdminInputError("The link has no state parameter; use the link as printed.");
  const claims = verifiedState(deps, input.state, input.kind);
  await requireWorkspace(store, claims.workspaceId);
  if (!(await store.consumeQuota(`oauth-start:${claims.nonce}`, 1, claims.expiresAtMs)).allowed)
    throw new AdminInputError(
      "This connection link was already opened, in this or another browser; start the connection again for a new link.",
    );
  const challenge = deps.stateSigner.pkce(claims.nonce).challenge;
  oauthApp(deps, input.kind);
  const consentUrl =
    claims.via === "imap"
      ? await deps.imapOAuth.consentUrl(IMAP_SERVICE[input.kind], input.state, challenge)
      : input.kind === "gmail"
        ? await deps.gmail.consentUrl(requireGoogle(deps), input.state, challenge)
        : await deps.outlook.consentUrl(requireMicrosoft(deps), input.state, challenge);
  return { consentUrl, browserBinding: deps.stateSigner.browserBinding(claims.nonce), expiresAtMs: claims.expiresAtMs };
}

/**
 * The callback's half: checks the state, that this browser opened the start link and that the
 * state was not used before, redeems the code with the PKCE verifier, and stores the grant.
 * AdminInputError says what went wrong. fromDashboard: the flow began in the dashboard.
 */
export async function completeOAuthConnect(
  store: Store,
  deps: ConnectDeps,
  input: {
    kind: OAuthKind;
    code: string | undefined;
    state: string | undefined;
    error?: string | undefined;
    /** The binding cookie the browser sent, if any. */
    browserBinding: string | undefined;
  },
): Promise<{ inbox: InboxRecord; fromDashboard: boolean }> {
  if (input.error !== undefined)
    throw new AdminInputError(`The consent was not given (${input.error}); nothing was connected.`);
  if (input.code === undefined || input.code === "" || input.state === undefined)
    throw new AdminInputError("The callback needs the code and state parameters the consent page sends.");
  const claims = verifiedState(deps, input.state, input.kind);
  if (!sameSecret(input.browserBinding ?? "", deps.stateSigner.browserBinding(claims.nonce)))
    throw new AdminInputError(
      "Nothing was connected: this browser did not open the connection link. Open the link the connection printed, in the browser you consent in.",
    );
  if (!(await store.consumeQuota(`oauth-callback:${claims.nonce}`, 1, claims.expiresAtMs)).allowed)
    throw new AdminInputError("Nothing was connected: this consent was already used; start the connection again.");
  await requireWorkspace(store, claims.workspaceId);
  const verifier = deps.stateSigner.pkce(claims.nonce).verifier;
  if (claims.via === "imap") return completeImapOAuthConnect(store, deps, claims, input.code, verifier);
  let connected: ConnectedMailbox<unknown>;
  try {
    connected =
      input.kind === "gmail"
        ? await deps.gmail.exchange(requireGoogle(deps), input.code, verifier)
        : await deps.outlook.exchange(requireMicrosoft(deps), input.code, verifier);
  } catch (error) {
    if (error instanceof ConnectError) throw new AdminInputError(`Nothing was connected: ${error.message}`);
    throw error;
  }
  const inbox = await saveConnectedInbox(store, {
    workspaceId: claims.workspaceId,
    kind: input.kind,
    mode: "live",
    address: connected.address,
    secret: JSON.stringify(connected.settings),
  });
  return { inbox, fromDashboard: claims.fromDashboard === true };
}

/** Which service's sign-in an IMAP/SMTP inbox of each consent uses. */
const IMAP_SERVICE: Record<OAuthKind, ImapOAuthService> = { gmail: "google", outlook: "microsoft" };

/** The consent's refresh token as an IMAP/SMTP inbox's sign-in, checked with a login to both servers before it is saved. */
async function completeImapOAuthConnect(
  store: Store,
  deps: ConnectDeps,
  claims: VerifiedState,
  code: string,
  verifier: string,
): Promise<{ inbox: InboxRecord; fromDashboard: boolean }> {
  let connected: ConnectedMailbox<ImapSettings>;
  try {
    connected = await deps.imapOAuth.exchange(IMAP_SERVICE[claims.kind], code, verifier);
    await deps.verifyImap(connected.settings);
  } catch (error) {
    if (error instanceof ConnectError) throw new AdminInputError(`Nothing was connected: ${error.message}`);
    throw error;
  }
  const inbox = await saveConnectedInbox(store, {
    workspaceId: claims.workspaceId,
    kind: "imap",
    mode: "live",
    address: connected.address,
    secret: JSON.stringify(connected.settings),
  });
  return { inbox, fromDashboard: claims.fromDashboard === true };
}

function verifiedState(deps: ConnectDeps, state: string, kind: OAuthKind): VerifiedState {
  const verified = deps.stateSigner.verify(state, kind);
  if (!verified.ok) throw new AdminInputError(`Nothing was connected: ${verified.reason}.`);
  return verified.claims;
}

const requireGoogle = (deps: ConnectDeps) =>
  requireApp(deps.google, "Google", "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET");
const requireMicrosoft = (deps: ConnectDeps) =>
  requireApp(deps.microsoft, "Microsoft", "MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET");
const oauthApp = (deps: ConnectDeps, kind: OAuthKind) =>
  kind === "gmail" ? requireGoogle(deps) : requireMicrosoft(deps);

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
  const secretStamp = existing && (await store.updateInboxSecret(existing.id, input.secret));
  if (existing && secretStamp !== undefined) {
    const { id, workspaceId, mode, kind, addresses, createdAt } = existing;
    return { id, workspaceId, mode, kind, addresses, secret: input.secret, secretStamp, createdAt };
  }
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

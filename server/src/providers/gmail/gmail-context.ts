// What the Gmail tools share for one mailbox: the calls (tokens from the stored refresh token, the
// retry rule), the page checkpoints, the labels last listed, the mailbox's own addresses and its clock.
import type { InboxRecord } from "../../store/store.js";
import { ownAddresses } from "../core/own-addresses.js";
import { PageCheckpoints } from "../core/page-checkpoints.js";
import type { GoogleAppConfig } from "../provider-apps.js";
import { createGmailCalls, DEFAULT_CALL_POLICY, type CallPolicy, type GmailCalls } from "./gmail-calls.js";
import type { MailLabel } from "./gmail-labels.js";
import type { GmailSettings } from "./gmail-settings.js";

export interface GmailContextOptions {
  inbox: InboxRecord;
  settings: GmailSettings;
  app: GoogleAppConfig;
  now: () => Date;
  callPolicy?: Partial<CallPolicy> | undefined;
}

export interface GmailContext {
  inbox: InboxRecord;
  /** The address the mailbox signs in as: its sends come from it. */
  address: string;
  /** The inbox's own addresses, left out of a reply-all. */
  ownAddresses: readonly string[];
  calls: GmailCalls;
  checkpoints: PageCheckpoints;
  /** The mail labels last read from labels.list, and when (gmail-labels.ts). */
  labels: { held?: { labels: readonly MailLabel[]; atMs: number } };
  now: () => Date;
}

export function gmailContext(options: GmailContextOptions): GmailContext {
  const { inbox, settings, now } = options;
  return {
    inbox,
    address: settings.address,
    ownAddresses: ownAddresses([settings.address], inbox.addresses),
    calls: createGmailCalls(options.app, settings.refreshToken, { ...DEFAULT_CALL_POLICY, ...options.callPolicy }),
    checkpoints: new PageCheckpoints({ now: () => now().getTime() }),
    labels: {},
    now,
  };
}

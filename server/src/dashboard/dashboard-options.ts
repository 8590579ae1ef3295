// What the dashboard needs from the server that serves it.
import type { RateWindows } from "../limits/rate-limit.js";
import type { SendApprovals } from "../send-approval/send-approvals.js";
import type { ConnectDeps } from "../admin/connect-inbox.js";
import type { Store } from "../store/store.js";
import type { SignupMode } from "./accounts/signup-policy.js";

export interface DashboardOptions {
  store: Store;
  /** Derives the CSRF and cookie-signing keys: the same on every instance that shares the store. */
  secretKey: Buffer;
  signup: SignupMode;
  /** Where browsers and MCP clients reach this server (links, client configurations); unset: the Host asked for. */
  publicUrl: string | undefined;
  /** Accounts (emails, lower case) that see and change every workspace's limits: the server's operators. */
  operators?: readonly string[] | undefined;
  /** Gmail, Outlook and IMAP connections; without it only sandbox inboxes can be added. */
  connect?: ConnectDeps | undefined;
  now: () => Date;
  /** The server's own rate windows per key (what a workspace without an override of its own has). */
  rateWindows: RateWindows;
  /** Approves (and sends) or rejects held sends. */
  sendApprovals: SendApprovals;
}

/** This server's base URL as people reach it: the configured one, else the Host of the request (checked by the Host guard). */
export function publicUrlOf(
  options: DashboardOptions,
  request: { protocol: string; headers: { host?: string } },
): string {
  return options.publicUrl ?? `${request.protocol}://${request.headers.host ?? "127.0.0.1"}`;
}

// What the provider contract suite needs of a provider under test: inboxes of the real thing (made
// the way the registry makes them), seeded with messages as their service would hold them, a peer
// inbox of the same service to send to, and the failures the service can be made to show.
import type { MailProvider } from "../../../src/providers/provider.js";

/** A message as its service holds it: the RFC 5322 source (CRLF line ends), where, read or not, when. */
export interface SeedMessage {
  raw: string;
  folder: "INBOX" | "SENT";
  unread: boolean;
  /** When it arrived (its Date header says the same). */
  date: Date;
}

export interface ContractInbox {
  provider: MailProvider;
  inboxId: string;
  address: string;
  /** Another address of the inbox (InboxRecord.addresses), which no mail server knows. */
  alias: string;
}

export type FailureMode =
  /** The owner revoked the grant or changed the password: auth_failed. */
  | "auth"
  /** The service cannot be reached or answers 5xx on a send: provider_error, never a success. */
  | "unavailable"
  /** The service throttles with a Retry-After: provider_error with retryAfter. */
  | "throttled"
  /** The service answers a search later than the spec's search deadline: search_timeout. */
  | "slow_search";

export const FAILURE_MODES: readonly FailureMode[] = ["auth", "unavailable", "throttled", "slow_search"];

/** An inbox of the service failing the asked way until undo(). */
export interface InjectedFailure {
  inbox: ContractInbox;
  undo(): Promise<void>;
}

export interface ProviderAdapter {
  /** The matrix's column. */
  name: string;
  /** Failure modes the service cannot show, and why (the matrix's footnotes). */
  notApplicable: Partial<Record<FailureMode, string>>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * A new empty inbox, and new empty inboxes of the same service it can send to: a peer, and a
   * third unless the rig has only two mailboxes (then `thirdAddress` is one nobody receives at).
   */
  open(): Promise<{ inbox: ContractInbox; peer: ContractInbox; third?: ContractInbox }>;
  /** Contract cases this adapter cannot run, by title, and why (the matrix's footnotes). */
  notApplicableCases?: Record<string, string>;
  /** Files the messages (oldest first) in the inbox, as if they had arrived. */
  seed(inbox: ContractInbox, messages: readonly SeedMessage[]): Promise<void>;
  /** An id of the inbox's kind that no message of the inbox has (made from one that it has). */
  unknownMessageId(inbox: ContractInbox, existingId: string): string;
  /** Makes calls on (a copy of) the inbox fail that way; never called for a mode in notApplicable. */
  inject(mode: FailureMode, inbox: ContractInbox): Promise<InjectedFailure>;
  /** Waits until every send so far is in its Sent folder and its recipients' inboxes (Graph files them late). */
  settled(): Promise<void>;
}

/** The alias an adapter gives the inbox with this address: same domain, a local part no server has. */
export function aliasOf(address: string): string {
  const at = address.lastIndexOf("@");
  return `${address.slice(0, at)}.alias${address.slice(at)}`;
}

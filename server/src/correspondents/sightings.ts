// What messages show of an inbox's correspondence (decision known-correspondents): the sender of
// each message it received, with the message's date, and the recipients of each message in its
// SENT folder, written to. Addresses come from strangers: lower-cased, bounded, and left out when
// they are no address at all.
import type { Address } from "@mcpemails/generated";
import type { CorrespondentSighting } from "../store/store.js";

/** The longest address kept (RFC 5321's path limit); a longer one is no correspondent. */
const ADDRESS_MAX_LENGTH = 254;
/** The recipients of one sent message taken: a message may name thousands. */
const RECIPIENTS_PER_MESSAGE_MAX = 100;

export interface SeenMessage {
  folder: string;
  from: Address | null;
  to: readonly Address[];
  cc: readonly Address[];
  date: string;
}

/** The address as the store keeps it, or null when it is none. */
export function correspondentAddress(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const address = value.trim().toLowerCase();
  return address.length > 0 && address.length <= ADDRESS_MAX_LENGTH && address.includes("@") ? address : null;
}

export function ownAddressSet(ownAddresses: readonly string[]): ReadonlySet<string> {
  return new Set(ownAddresses.map(correspondentAddress).filter((address) => address !== null));
}

export function sightingsOf(messages: readonly SeenMessage[], own: ReadonlySet<string>): CorrespondentSighting[] {
  const sightings: CorrespondentSighting[] = [];
  for (const message of messages) {
    if (message.folder === "SENT") {
      for (const recipient of [...message.to, ...message.cc].slice(0, RECIPIENTS_PER_MESSAGE_MAX))
        sightings.push(...writtenTo(recipient.address, own));
      continue;
    }
    const from = correspondentAddress(message.from?.address);
    if (from === null || own.has(from)) continue;
    const date = Date.parse(message.date);
    sightings.push({ address: from, receivedAtMs: Number.isFinite(date) ? date : null, writtenTo: false });
  }
  return sightings;
}

/** The recipients of a send the server made from the inbox. */
export function sentToSightings(recipients: readonly string[], own: ReadonlySet<string>): CorrespondentSighting[] {
  return recipients.slice(0, RECIPIENTS_PER_MESSAGE_MAX).flatMap((recipient) => writtenTo(recipient, own));
}

function writtenTo(value: unknown, own: ReadonlySet<string>): CorrespondentSighting[] {
  const address = correspondentAddress(value);
  return address === null || own.has(address) ? [] : [{ address, receivedAtMs: null, writtenTo: true }];
}

// A tool's message_id as the message it names: a malformed id, or one this server could not have
// made, names no message (message_not_found, as on every provider).
import { ProviderFailure } from "../core/provider-failure.js";
import { decodeMessageId, type ImapMessageRef } from "./imap-message-id.js";

export function messageRefOf(messageId: string): ImapMessageRef {
  const ref = decodeMessageId(messageId);
  if (ref === undefined) throw noSuchMessage();
  return ref;
}

export function noSuchMessage(): ProviderFailure {
  return new ProviderFailure("not_found", "the mail server has no such message");
}

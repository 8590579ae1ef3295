// What a Gmail inbox stores (encrypted, in InboxRecord.secret): the offline grant of its consent.
import { ConnectError } from "../provider-apps.js";

export interface GmailSettings {
  refreshToken: string;
  /** The mailbox's address, as Gmail's profile gives it. */
  address: string;
}

export function parseGmailSettings(secret: string | null): GmailSettings {
  const value: unknown = secret === null ? null : JSON.parse(secret);
  if (
    typeof value !== "object" ||
    value === null ||
    typeof (value as GmailSettings).refreshToken !== "string" ||
    typeof (value as GmailSettings).address !== "string"
  ) {
    throw new ConnectError("the stored Gmail grant of this inbox is incomplete; connect the inbox again.");
  }
  return value as GmailSettings;
}

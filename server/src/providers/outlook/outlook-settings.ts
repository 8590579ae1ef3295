// What an Outlook inbox stores (encrypted, in InboxRecord.secret): MSAL's serialized token cache and
// which account of it is the mailbox's.
import type { Folder } from "@mcpemails/generated";
import { ConnectError } from "../provider-apps.js";

export interface OutlookSettings {
  /** MSAL's TokenCache serialization; it changes when tokens are refreshed, and is saved back. */
  tokenCache: string;
  homeAccountId: string;
  address: string;
  /** Graph's ids of the four well-known folders, learnt once (at connect, or on first need) and kept. */
  folderIds?: Record<Folder, string>;
}

export function parseOutlookSettings(secret: string | null): OutlookSettings {
  const value: unknown = secret === null ? null : JSON.parse(secret);
  const settings = value as OutlookSettings;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof settings.tokenCache !== "string" ||
    typeof settings.homeAccountId !== "string" ||
    typeof settings.address !== "string"
  ) {
    throw new ConnectError("the stored Microsoft grant of this inbox is incomplete; connect the inbox again.");
  }
  return settings;
}

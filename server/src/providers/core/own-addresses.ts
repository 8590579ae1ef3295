// One rule for the addresses that are the inbox's own (left out of a reply-all, told apart when a
// reply answers the inbox's own message): the address the account signs in as, the addresses the
// inbox record lists, and any the service reports (aliases), each once, compared case-insensitively.
import { addressKey } from "../../mail/addresses.js";

export function ownAddresses(...sources: ReadonlyArray<readonly (string | null | undefined)[]>): string[] {
  const seen = new Map<string, string>();
  for (const source of sources)
    for (const address of source)
      if (typeof address === "string" && address !== "" && !seen.has(addressKey(address)))
        seen.set(addressKey(address), address);
  return [...seen.values()];
}

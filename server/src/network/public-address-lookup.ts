// A DNS lookup for connections a stranger chooses the host of (a client's metadata document URL):
// it refuses a name that resolves to any loopback, private or link-local address, and the socket
// connects to the very address it checked, so a name cannot pass the check and then resolve
// elsewhere (DNS rebinding).
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { internalKind } from "./ip-ranges.js";

export const publicAddressLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...(options as LookupOneOptions), all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as LookupAddress[];
    const internal = list.find((entry) => internalKind(entry.address) !== undefined);
    if (internal !== undefined || list.length === 0) {
      const refusal = Object.assign(
        new Error(`${hostname} resolves to ${internalKind(internal?.address ?? "") ?? "no"} address`),
        { code: "EINTERNALADDRESS" },
      );
      return callback(refusal, "", 0);
    }
    if ((options as LookupAllOptions).all === true)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const [first] = list;
    return callback(null, first?.address ?? "", first?.family ?? 4);
  });
};

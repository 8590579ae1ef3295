// Which addresses are not the public internet: loopback, private, link-local (where cloud metadata
// services answer), CGNAT and the other special-purpose ranges (RFC 6890), in IPv4 and IPv6.
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Ranges that are not the public internet, each with the words an error uses for it. */
const INTERNAL_RANGES: ReadonlyArray<[string, number, "ipv4" | "ipv6", string]> = [
  ["0.0.0.0", 8, "ipv4", "an unspecified"],
  ["10.0.0.0", 8, "ipv4", "a private"],
  ["100.64.0.0", 10, "ipv4", "a carrier-grade NAT (CGNAT)"],
  ["127.0.0.0", 8, "ipv4", "a loopback"],
  ["169.254.0.0", 16, "ipv4", "a link-local (cloud metadata)"],
  ["172.16.0.0", 12, "ipv4", "a private"],
  ["192.0.0.0", 24, "ipv4", "an IETF protocol assignment"],
  ["192.168.0.0", 16, "ipv4", "a private"],
  ["198.18.0.0", 15, "ipv4", "a benchmarking"],
  ["224.0.0.0", 4, "ipv4", "a multicast"],
  ["240.0.0.0", 4, "ipv4", "a reserved"],
  ["::", 128, "ipv6", "an unspecified"],
  ["::1", 128, "ipv6", "a loopback"],
  ["64:ff9b:1::", 48, "ipv6", "a local NAT64"],
  ["fc00::", 7, "ipv6", "a unique local (private)"],
  ["fe80::", 10, "ipv6", "a link-local"],
  ["ff00::", 8, "ipv6", "a multicast"],
];
const INTERNAL = INTERNAL_RANGES.map(([network, prefix, family, words]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, words };
});

/** Whatever kind of internal address this is, in words; undefined for a public address. */
export function internalKind(address: string): string | undefined {
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  // BlockList matches an IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 ranges too.
  return INTERNAL.find(({ list }) => list.check(address, family))?.words;
}

export function isLoopback(address: string): boolean {
  return LOOPBACK.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

// Where an IMAP/SMTP inbox may make this server connect. The host is a stranger's input (anyone who
// can add an inbox chooses it), so it is resolved at every connect and the address is checked, then
// dialled as checked: a later DNS change cannot redirect a stored name to an internal service.
// Loopback, private, link-local (cloud metadata), CGNAT and other special ranges are refused unless
// the operator allows them; a login in plaintext goes nowhere but loopback unless the operator says so.
import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ConnectError } from "../provider-apps.js";
import { internalKind, isLoopback } from "../../network/ip-ranges.js";
import type { ServerEndpoint } from "./imap-settings.js";

export interface MailNetworkPolicy {
  /** Host names the operator allows whatever they resolve to (lower case). */
  readonly allowedNames: ReadonlySet<string>;
  /** Addresses and networks the operator allows although they are internal. */
  readonly allowedNetworks: BlockList;
  /** A plaintext login (security "plaintext") to a host other than loopback. */
  readonly plaintextBeyondLoopback: boolean;
}

/** Where to dial: the checked address, and the host name for TLS (SNI and the certificate's name). */
export interface DialTarget {
  address: string;
  servername: string | undefined;
}

/**
 * The policy from the operator's list (MCPEMAILS_MAIL_HOSTS_ALLOW): addresses ("127.0.0.1"), networks
 * in CIDR ("10.0.0.0/8", "fd00::/8") and host names ("mail.internal"); an entry that is none of
 * these is an error naming it.
 */
export function mailNetworkPolicy(
  options: { allow?: readonly string[]; plaintextBeyondLoopback?: boolean } = {},
): MailNetworkPolicy {
  const allowedNames = new Set<string>();
  const allowedNetworks = new BlockList();
  for (const entry of options.allow ?? []) {
    const [network, prefixText, extra] = entry.split("/");
    const family = isIP(network ?? "");
    if (family !== 0 && network !== undefined) {
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max)
        throw new Error(`MCPEMAILS_MAIL_HOSTS_ALLOW: "${entry}" is not an address, a network (CIDR) or a host name.`);
      allowedNetworks.addSubnet(network, prefix, family === 4 ? "ipv4" : "ipv6");
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/iu.test(entry)) {
      allowedNames.add(entry.toLowerCase().replace(/\.$/u, ""));
    } else {
      throw new Error(`MCPEMAILS_MAIL_HOSTS_ALLOW: "${entry}" is not an address, a network (CIDR) or a host name.`);
    }
  }
  return { allowedNames, allowedNetworks, plaintextBeyondLoopback: options.plaintextBeyondLoopback ?? false };
}

/** Nothing internal, no plaintext beyond loopback: the server's default. */
export const STRICT_MAIL_NETWORK: MailNetworkPolicy = mailNetworkPolicy();

type Resolve = (host: string) => Promise<LookupAddress[]>;
const resolveAll: Resolve = (host) => lookup(host, { all: true, verbatim: true });

/**
 * The address to dial for this server, resolved now and checked against the policy; a
 * ConnectError saying which rule refused it (the only place a connection's address is chosen).
 */
export async function dialTarget(
  role: "IMAP" | "SMTP",
  endpoint: ServerEndpoint,
  policy: MailNetworkPolicy,
  resolve: Resolve = resolveAll,
): Promise<DialTarget> {
  const host = endpoint.host.toLowerCase().replace(/\.$/u, "");
  const where = `the ${role} server ${JSON.stringify(endpoint.host)}`;
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) === 0 ? await resolve(host) : [{ address: host, family: isIP(host) }];
  } catch {
    throw new ConnectError(`${where} could not be found (its name does not resolve).`);
  }
  const nameAllowed = policy.allowedNames.has(host);
  const allowed = (address: string) =>
    nameAllowed ||
    internalKind(address) === undefined ||
    policy.allowedNetworks.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
  const chosen = addresses.find(({ address }) => allowed(address));
  if (chosen === undefined) {
    const first = addresses[0]?.address ?? host;
    throw new ConnectError(
      `${where} is at ${first}, ${internalKind(first) ?? "an internal"} address; this server connects to such ` +
        `addresses only when its operator allows them (MCPEMAILS_MAIL_HOSTS_ALLOW).`,
    );
  }
  if (endpoint.security === "plaintext" && !policy.plaintextBeyondLoopback && !isLoopback(chosen.address))
    throw new ConnectError(
      `${where} would receive the password in plaintext (security "plaintext") and is not on this machine; ` +
        `use TLS or STARTTLS, or have the operator allow plaintext (MCPEMAILS_ALLOW_PLAINTEXT_MAIL=true).`,
    );
  return { address: chosen.address, servername: isIP(host) === 0 ? host : undefined };
}

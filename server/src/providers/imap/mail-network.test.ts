import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { ConnectError } from "../provider-apps.js";
import type { ServerEndpoint } from "./imap-settings.js";
import { internalKind } from "../../network/ip-ranges.js";
import { dialTarget, mailNetworkPolicy, STRICT_MAIL_NETWORK } from "./mail-network.js";

const endpoint = (host: string, security: ServerEndpoint["security"] = "tls"): ServerEndpoint => ({
  host,
  port: 993,
  security,
});
/** A resolver answering from a table, as DNS would: the host's addresses, or NXDOMAIN. */
const dns =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<LookupAddress[]> => {
    const addresses = table[host];
    if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return (error as ConnectError).message;
}

describe("the addresses an IMAP/SMTP server may be at", () => {
  it.each([
    ["127.0.0.1", "a loopback"],
    ["127.8.9.10", "a loopback"],
    ["::1", "a loopback"],
    ["10.1.2.3", "a private"],
    ["172.20.0.5", "a private"],
    ["192.168.1.1", "a private"],
    ["169.254.169.254", "a link-local (cloud metadata)"],
    ["100.64.0.1", "a carrier-grade NAT (CGNAT)"],
    ["0.0.0.0", "an unspecified"],
    ["fd00:ec2::254", "a unique local (private)"],
    ["fe80::1", "a link-local"],
    ["::ffff:127.0.0.1", "a loopback"],
    ["::ffff:169.254.169.254", "a link-local (cloud metadata)"],
    ["224.0.0.1", "a multicast"],
  ])("refuses %s, %s address, by default", async (address, kind) => {
    expect(internalKind(address)).toBe(kind);
    expect(await refusal(dialTarget("IMAP", endpoint(address), STRICT_MAIL_NETWORK))).toBe(
      `the IMAP server "${address}" is at ${address}, ${kind} address; this server connects to such addresses only when its operator allows them (MCPEMAILS_MAIL_HOSTS_ALLOW).`,
    );
  });

  it("dials a public address, and a public name at the address it resolved to, with the name for TLS", async () => {
    expect(await dialTarget("IMAP", endpoint("93.184.215.14"), STRICT_MAIL_NETWORK)).toEqual({
      address: "93.184.215.14",
      servername: undefined,
    });
    const resolve = dns({ "imap.example.com": ["93.184.215.14"] });
    expect(await dialTarget("IMAP", endpoint("IMAP.Example.com."), STRICT_MAIL_NETWORK, resolve)).toEqual({
      address: "93.184.215.14",
      servername: "imap.example.com",
    });
  });

  it("checks the name's address at every connect, so that a later DNS change cannot redirect it inside", async () => {
    const answers = [["93.184.215.14"], ["169.254.169.254"]];
    const resolve = async () => (answers.shift() ?? []).map((address) => ({ address, family: 4 }));
    await expect(dialTarget("SMTP", endpoint("mail.example.com"), STRICT_MAIL_NETWORK, resolve)).resolves.toEqual({
      address: "93.184.215.14",
      servername: "mail.example.com",
    });
    expect(await refusal(dialTarget("SMTP", endpoint("mail.example.com"), STRICT_MAIL_NETWORK, resolve))).toContain(
      "is at 169.254.169.254, a link-local (cloud metadata) address",
    );
  });

  it("dials only a permitted address of a name that has internal ones too", async () => {
    const resolve = dns({ "mixed.example.com": ["10.0.0.7", "93.184.215.14"] });
    expect((await dialTarget("IMAP", endpoint("mixed.example.com"), STRICT_MAIL_NETWORK, resolve)).address).toBe(
      "93.184.215.14",
    );
  });

  it("says when a name does not resolve", async () => {
    expect(await refusal(dialTarget("IMAP", endpoint("nowhere.invalid"), STRICT_MAIL_NETWORK, dns({})))).toBe(
      'the IMAP server "nowhere.invalid" could not be found (its name does not resolve).',
    );
  });

  it("allows what the operator lists: addresses, networks in CIDR and host names", async () => {
    const policy = mailNetworkPolicy({ allow: ["10.0.0.0/8", "::1", "mail.internal"] });
    const resolve = dns({ "mail.internal": ["192.168.7.7"], "other.internal": ["192.168.7.8"] });
    expect((await dialTarget("IMAP", endpoint("10.9.8.7"), policy)).address).toBe("10.9.8.7");
    expect((await dialTarget("IMAP", endpoint("::1"), policy)).address).toBe("::1");
    expect((await dialTarget("IMAP", endpoint("mail.internal"), policy, resolve)).address).toBe("192.168.7.7");
    expect(await refusal(dialTarget("IMAP", endpoint("other.internal"), policy, resolve))).toContain(
      "is at 192.168.7.8, a private address",
    );
    expect(await refusal(dialTarget("IMAP", endpoint("127.0.0.1"), policy))).toContain("a loopback address");
  });

  it("refuses an entry of the operator's list that is no address, network or name, naming it", () => {
    for (const entry of ["10.0.0.0/33", "10.0.0.0/8/1", "not a host", "fe80::/129"])
      expect(() => mailNetworkPolicy({ allow: [entry] })).toThrow(
        `MCPEMAILS_MAIL_HOSTS_ALLOW: "${entry}" is not an address, a network (CIDR) or a host name.`,
      );
  });

  it("sends a password in plaintext only to loopback, unless the operator allows plaintext", async () => {
    const loopbackAllowed = mailNetworkPolicy({ allow: ["127.0.0.0/8", "10.0.0.0/8"] });
    await expect(dialTarget("IMAP", endpoint("127.0.0.1", "plaintext"), loopbackAllowed)).resolves.toMatchObject({
      address: "127.0.0.1",
    });
    expect(await refusal(dialTarget("IMAP", endpoint("10.0.0.2", "plaintext"), loopbackAllowed))).toBe(
      'the IMAP server "10.0.0.2" would receive the password in plaintext (security "plaintext") and is not on this machine; use TLS or STARTTLS, or have the operator allow plaintext (MCPEMAILS_ALLOW_PLAINTEXT_MAIL=true).',
    );
    expect(await refusal(dialTarget("SMTP", endpoint("93.184.215.14", "plaintext"), STRICT_MAIL_NETWORK))).toContain(
      "would receive the password in plaintext",
    );
    const plaintextAllowed = mailNetworkPolicy({ allow: ["10.0.0.0/8"], plaintextBeyondLoopback: true });
    await expect(dialTarget("IMAP", endpoint("10.0.0.2", "plaintext"), plaintextAllowed)).resolves.toMatchObject({
      address: "10.0.0.2",
    });
  });
});

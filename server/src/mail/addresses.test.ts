import { describe, expect, it } from "vitest";
import {
  addressKey,
  findInvalidRecipient,
  isValidAddrSpec,
  parseRecipient,
  parseRecipientFields,
  uniqueAddresses,
} from "./addresses.js";

describe("parseRecipient", () => {
  it("reads bare addresses and addresses with a display name as {name, address}", () => {
    expect(parseRecipient("alice@example.com")).toEqual({
      ok: true,
      address: { name: null, address: "alice@example.com" },
    });
    expect(parseRecipient("Alice Martin <alice@example.com>")).toEqual({
      ok: true,
      address: { name: "Alice Martin", address: "alice@example.com" },
    });
    expect(parseRecipient('"Martin, Alice" <alice@example.com>')).toEqual({
      ok: true,
      address: { name: "Martin, Alice", address: "alice@example.com" },
    });
    expect(parseRecipient("<alice@example.com>")).toEqual({
      ok: true,
      address: { name: null, address: "alice@example.com" },
    });
  });

  it("accepts UTF-8 names, local parts and domains (RFC 6532)", () => {
    expect(parseRecipient("Zoë Dupré <zoe@exämple.fr>")).toEqual({
      ok: true,
      address: { name: "Zoë Dupré", address: "zoe@exämple.fr" },
    });
    expect(parseRecipient("田中 <たなか@example.jp>")).toEqual({
      ok: true,
      address: { name: "田中", address: "たなか@example.jp" },
    });
  });

  it.each([
    ["bob at example dot com", "mailbox address"],
    ["alice@", "mailbox address"],
    ["@example.com", "mailbox address"],
    ["alice@example.com>", "mailbox address"],
    ["a..b@example.com", "mailbox address"],
    ["alice@-example.com", "mailbox address"],
    ["", "empty"],
    ["alice@example.com, bob@example.com", "more than one"],
    ["Team: alice@example.com, bob@example.com;", "group"],
    ["alice@example.com\r\nBcc: eve@evil.example", "line break"],
    ["Alice\n <alice@example.com>", "line break"],
    ["alice@example.com\u0000", "control character"],
  ])("refuses %j (%s)", (input, reason) => {
    const parsed = parseRecipient(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe("isValidAddrSpec", () => {
  it("accepts the dot-atom forms and address literals", () => {
    for (const address of [
      "a@b",
      "first.last+tag@sub.example.co.uk",
      "o'brien@example.ie",
      "user@[192.168.0.1]",
      "user@[IPv6:2001:db8::1]",
    ]) {
      expect(isValidAddrSpec(address), address).toBe(true);
    }
  });

  it("applies the RFC 5321 length limits", () => {
    expect(isValidAddrSpec(`${"a".repeat(64)}@example.com`)).toBe(true);
    expect(isValidAddrSpec(`${"a".repeat(65)}@example.com`)).toBe(false);
    expect(isValidAddrSpec(`a@${"b".repeat(64)}.com`)).toBe(false);
    expect(isValidAddrSpec(`a@${"b.".repeat(130)}com`)).toBe(false);
  });

  it("refuses spaces, leading or trailing dots and bad literals", () => {
    for (const address of [
      "a b@example.com",
      ".a@example.com",
      "a.@example.com",
      "a@example..com",
      "a@[300.1.1.1]",
      "a@exa_mple.com",
    ]) {
      expect(isValidAddrSpec(address), address).toBe(false);
    }
  });
});

describe("findInvalidRecipient", () => {
  it("names the first bad address by its parameter path, in the order to, cc, bcc, reply_to", () => {
    expect(findInvalidRecipient({ to: ["alice@example.com", "bob at example dot com"] })).toEqual({
      parameter: "to[1]",
      address: "bob at example dot com",
      reason: "is not a mailbox address (local-part@domain)",
    });
    expect(findInvalidRecipient({ to: ["alice@example.com"], cc: ["nope"], bcc: ["nope"] })?.parameter).toBe("cc[0]");
    expect(findInvalidRecipient({ to: ["alice@example.com"], bcc: ["ok@example.com", "x"] })?.parameter).toBe("bcc[1]");
    expect(findInvalidRecipient({ to: ["alice@example.com"], reply_to: "not an address" })?.parameter).toBe("reply_to");
    expect(
      findInvalidRecipient({ to: ["alice@example.com"], cc: [], reply_to: "Alice <alice@example.com>" }),
    ).toBeUndefined();
  });

  it("parseRecipientFields gives the parsed addresses when all are valid", () => {
    expect(
      parseRecipientFields({
        to: ["Alice <alice@example.com>"],
        cc: ["bob@example.net"],
        reply_to: "replies@example.com",
      }),
    ).toEqual({
      ok: true,
      recipients: {
        to: [{ name: "Alice", address: "alice@example.com" }],
        cc: [{ name: null, address: "bob@example.net" }],
        bcc: [],
        replyTo: { name: null, address: "replies@example.com" },
      },
    });
  });
});

describe("comparing addresses", () => {
  it("ignores case, so reply-all recognises the inbox whatever the case", () => {
    expect(addressKey("Alice@Example.COM")).toBe(addressKey("alice@example.com"));
    expect(
      uniqueAddresses([
        { name: "Alice", address: "alice@example.com" },
        { name: null, address: "ALICE@example.com" },
        { name: null, address: "bob@example.net" },
      ]),
    ).toEqual([
      { name: "Alice", address: "alice@example.com" },
      { name: null, address: "bob@example.net" },
    ]);
  });
});

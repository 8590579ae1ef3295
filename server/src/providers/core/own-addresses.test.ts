import { describe, expect, it } from "vitest";
import { newMessageId } from "./message-id.js";
import { ownAddresses } from "./own-addresses.js";

describe("the inbox's own addresses", () => {
  it("are the sign-in address, the record's and the service's aliases, each once whatever its case", () => {
    expect(ownAddresses(["Ada@Example.test"], ["ada@example.test", "ada@alias.test"], [null, undefined, ""])).toEqual([
      "Ada@Example.test",
      "ada@alias.test",
    ]);
  });
});

describe("a composed message's Message-ID", () => {
  it("is unique, with the sending address's domain on the right", () => {
    const first = newMessageId("ada@Example.test", "fallback.test");
    expect(first).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    expect(newMessageId("ada@example.test", "fallback.test")).not.toBe(first);
    expect(newMessageId("no-domain", "fallback.test")).toMatch(/@fallback\.test>$/);
  });
});

// What a read teaches of an inbox's correspondence: who wrote to it and when, and whom it wrote to.
import { describe, expect, it } from "vitest";
import { correspondentAddress, ownAddressSet, sentToSightings, sightingsOf, type SeenMessage } from "./sightings.js";

const own = ownAddressSet(["Me@Example.com"]);
const message = (fields: Partial<SeenMessage>): SeenMessage => ({
  folder: "INBOX",
  from: { name: "Alice", address: "alice@example.org" },
  to: [{ name: null, address: "me@example.com" }],
  cc: [],
  date: "2026-11-01T10:00:00.000Z",
  ...fields,
});

describe("the sightings of a read", () => {
  it("a received message teaches its sender, lower-cased, with the message's date", () => {
    expect(sightingsOf([message({ from: { name: null, address: " Alice@Example.ORG " } })], own)).toEqual([
      { address: "alice@example.org", receivedAtMs: Date.parse("2026-11-01T10:00:00.000Z"), writtenTo: false },
    ]);
  });

  it("a message in SENT teaches its recipients (To and Cc) as written to, never its sender", () => {
    const sent = message({
      folder: "SENT",
      from: { name: null, address: "me@example.com" },
      to: [{ name: null, address: "Bob@example.net" }],
      cc: [
        { name: null, address: "carol@example.net" },
        { name: null, address: "me@example.com" },
      ],
    });
    expect(sightingsOf([sent], own)).toEqual([
      { address: "bob@example.net", receivedAtMs: null, writtenTo: true },
      { address: "carol@example.net", receivedAtMs: null, writtenTo: true },
    ]);
  });

  it("the inbox's own addresses are never correspondents", () => {
    expect(sightingsOf([message({ from: { name: null, address: "ME@example.com" } })], own)).toEqual([]);
    expect(sentToSightings(["me@example.com", "dana@example.org"], own)).toEqual([
      { address: "dana@example.org", receivedAtMs: null, writtenTo: true },
    ]);
  });

  it("a message without a readable date still teaches its sender, with no date", () => {
    expect(sightingsOf([message({ date: "not a date" })], own)).toEqual([
      { address: "alice@example.org", receivedAtMs: null, writtenTo: false },
    ]);
  });

  it("what is no address is left out: no sender, no @, empty, too long, not a string", () => {
    const hostile = [
      message({ from: null }),
      message({ from: { name: null, address: "undisclosed-recipients" } }),
      message({ from: { name: null, address: "   " } }),
      message({ from: { name: null, address: `${"a".repeat(250)}@example.org` } }),
      message({ from: { name: null, address: 42 as unknown as string } }),
    ];
    expect(sightingsOf(hostile, own)).toEqual([]);
    expect(sentToSightings(["(and 3 more recipients)"], own)).toEqual([]);
    expect(correspondentAddress(undefined)).toBeNull();
  });

  it("a sent message naming thousands of recipients teaches at most 100 of them", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: null, address: `r${i}@example.org` }));
    expect(sightingsOf([message({ folder: "SENT", to: many })], own)).toHaveLength(100);
    expect(
      sentToSightings(
        many.map((r) => r.address),
        own,
      ),
    ).toHaveLength(100);
  });
});

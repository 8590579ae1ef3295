// Whether a message's sender is a known correspondent: own, written to, or seen writing earlier;
// unknown either way until the inbox's history is learned.
import { describe, expect, it } from "vitest";
import { isKnownSender, type SenderKnowledge } from "./known-sender.js";

const MONDAY = "2026-11-02T09:00:00.000Z";
const TUESDAY = "2026-11-03T09:00:00.000Z";

function knowledge(fields: Partial<SenderKnowledge> = {}): SenderKnowledge {
  return {
    learned: true,
    own: new Set(["me@example.com"]),
    byAddress: new Map([
      ["alice@example.org", { address: "alice@example.org", firstReceivedAtMs: Date.parse(MONDAY), writtenTo: false }],
      ["bob@example.org", { address: "bob@example.org", firstReceivedAtMs: null, writtenTo: true }],
    ]),
    ...fields,
  };
}
const from = (address: string, date = TUESDAY) => ({ from: { name: null, address }, date });

describe("a known sender", () => {
  it("is known once a message from it dated earlier was seen: the first message is not", () => {
    expect(isKnownSender(from("alice@example.org", TUESDAY), knowledge())).toBe(true);
    expect(isKnownSender(from("alice@example.org", MONDAY), knowledge())).toBe(false);
  });

  it("is known when the inbox wrote to it, whatever the date", () => {
    expect(isKnownSender(from("Bob@Example.org", MONDAY), knowledge())).toBe(true);
  });

  it("is known when it is one of the inbox's own addresses, learned or not", () => {
    expect(isKnownSender(from("me@example.com"), knowledge({ learned: false }))).toBe(true);
  });

  it("is unknown when never seen", () => {
    expect(isKnownSender(from("mallory@example.net"), knowledge())).toBe(false);
  });

  it("is neither until the inbox's history is learned, nor without a sender or a date", () => {
    expect(isKnownSender(from("mallory@example.net"), knowledge({ learned: false }))).toBeNull();
    expect(isKnownSender({ from: null, date: TUESDAY }, knowledge())).toBeNull();
    expect(isKnownSender(from("mallory@example.net", "yesterday-ish"), knowledge())).toBeNull();
  });
});

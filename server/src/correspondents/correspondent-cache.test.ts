// A read that shows nothing new is judged from what the process last heard from the store; anything
// new, anything unasked, an unlearned inbox or an entry 30 s old goes to the store.
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { cachedCorrespondents, forgetCorrespondents, rememberCorrespondents } from "./correspondent-cache.js";

const T0 = Date.parse("2026-11-02T09:00:00.000Z");
const alice = { address: "alice@example.org", firstReceivedAtMs: T0, writtenTo: false };
const received = (receivedAtMs: number) => ({ address: alice.address, receivedAtMs, writtenTo: false });

function learnedInbox(): string {
  const inboxId = randomUUID();
  rememberCorrespondents(inboxId, { learned: true, known: [alice] }, [received(T0)], T0);
  return inboxId;
}

describe("the correspondent cache", () => {
  it("answers a read that adds nothing: the same or a later message of a known sender", () => {
    const inboxId = learnedInbox();
    expect(cachedCorrespondents(inboxId, [received(T0 + 1000)], [alice.address], T0 + 1)?.get(alice.address)).toEqual(
      alice,
    );
  });

  it("sends to the store whatever it would change: an earlier date, a first written-to, a new address", () => {
    const inboxId = learnedInbox();
    expect(cachedCorrespondents(inboxId, [received(T0 - 1000)], [alice.address], T0 + 1)).toBeUndefined();
    expect(
      cachedCorrespondents(inboxId, [{ ...received(T0), receivedAtMs: null, writtenTo: true }], [], T0 + 1),
    ).toBeUndefined();
    expect(cachedCorrespondents(inboxId, [], ["bob@example.org"], T0 + 1)).toBeUndefined();
  });

  it("does not answer for an inbox whose history is not learned, an entry 30 s old, or one forgotten after a send", () => {
    const unlearned = randomUUID();
    rememberCorrespondents(unlearned, { learned: false, known: [alice] }, [], T0);
    expect(cachedCorrespondents(unlearned, [], [alice.address], T0 + 1)).toBeUndefined();
    const inboxId = learnedInbox();
    expect(cachedCorrespondents(inboxId, [], [alice.address], T0 + 30_000)).toBeUndefined();
    forgetCorrespondents(inboxId);
    expect(cachedCorrespondents(inboxId, [], [alice.address], T0 + 1)).toBeUndefined();
  });

  it("keeps what a read recorded of addresses it did not ask about, merged with what it knew", () => {
    const inboxId = learnedInbox();
    const bob = { address: "bob@example.org", receivedAtMs: null, writtenTo: true };
    rememberCorrespondents(inboxId, { learned: true, known: [] }, [bob, received(T0 - 5000)], T0 + 2);
    const cached = cachedCorrespondents(inboxId, [bob], [alice.address, bob.address], T0 + 3);
    expect(cached?.get(bob.address)).toEqual({ address: bob.address, firstReceivedAtMs: null, writtenTo: true });
    expect(cached?.get(alice.address)?.firstReceivedAtMs).toBe(T0 - 5000);
  });
});

// Graph's four requests in flight per mailbox: a request waits for a slot, and stops waiting when its
// call's signal aborts, without taking a slot from those after it.
import { describe, expect, it } from "vitest";
import { acquireMailboxSlot } from "./mailbox-slots.js";

const never = new AbortController().signal;

describe("acquireMailboxSlot", () => {
  it("makes the request past the limit wait until a slot is given back", async () => {
    const held = await Promise.all([1, 2].map(() => acquireMailboxSlot("waits", never, 2)));
    let third = false;
    const waiting = acquireMailboxSlot("waits", never, 2).then((release) => {
      third = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third).toBe(false);
    held[0]?.();
    (await waiting)();
    held[1]?.();
  });

  it("lets a waiter whose signal aborts leave the queue with the signal's reason; the slot goes to the next", async () => {
    const release = await acquireMailboxSlot("leaves", never, 1);
    const caller = new AbortController();
    const leaving = acquireMailboxSlot("leaves", caller.signal, 1);
    const next = acquireMailboxSlot("leaves", never, 1);
    caller.abort(new Error("the client went away"));
    await expect(leaving).rejects.toThrow("the client went away");
    release();
    const nextRelease = await next;
    nextRelease();
    await expect(acquireMailboxSlot("leaves", caller.signal, 1)).rejects.toThrow("the client went away");
  });
});

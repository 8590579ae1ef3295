import { describe, expect, it } from "vitest";
import type { SandboxMessage } from "../../store/store.js";
import { sandboxAddress } from "./address.js";
import { composeSeedMailbox } from "./seed.js";
import { composeSeedMailboxApart } from "./seed-process.js";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const id = "3f7a8b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c";
const inbox = { id, addresses: [sandboxAddress(id)] };

/**
 * A mailbox with what differs between two compositions of it taken out: the random message ids
 * (threads are named by the position of the message that starts them) and the MIME boundaries.
 */
function comparable(messages: SandboxMessage[]) {
  const position = new Map(messages.map((message, index) => [message.id, index]));
  return messages.map(({ id: _id, data, ...message }) => {
    const { raw, thread_id, ...summary } = data as { raw: string; thread_id: string };
    return {
      ...message,
      ...summary,
      thread: position.get(thread_id),
      raw: raw.replace(/--_NmP-[0-9a-f]+-Part_\d+/gu, "--boundary"),
    };
  });
}

describe("composeSeedMailboxApart", () => {
  it("composes in a child process the same mailbox as in place", async () => {
    const apart = await composeSeedMailboxApart(inbox, NOW);
    expect(apart).toHaveLength(30);
    expect(new Set(apart.map((message) => message.inboxId))).toEqual(new Set([id]));
    expect(comparable(apart)).toEqual(comparable(await composeSeedMailbox(inbox, NOW)));
  });

  it("rejects with the child's reason when the mailbox cannot be composed", async () => {
    // Its Message-IDs, which quote the inbox id, cannot be written.
    await expect(composeSeedMailboxApart({ ...inbox, id: "not an id" }, NOW)).rejects.toThrow(
      /^Seeding the sandbox inbox failed: composeMessage: .* cannot be a Message-ID$/u,
    );
  });
});

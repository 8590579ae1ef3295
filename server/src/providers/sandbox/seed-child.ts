// The child process of seed-process.ts: composes one seeded mailbox, hands it back, and exits.
import { composeSeedMailbox } from "./seed.js";
import type { SeedReply, SeedRequest } from "./seed-process.js";

process.once("message", (request) => void answer(request as SeedRequest));

async function answer({ inbox, now }: SeedRequest): Promise<void> {
  let reply: SeedReply;
  try {
    reply = { messages: await composeSeedMailbox(inbox, new Date(now)) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(reply, () => process.exit(0));
}

// Composing the seeded mailbox loads nodemailer's composer, mailparser and html-to-text, and
// leaves about 22 MB in the process that an idle server never gives back (measured on a first
// start: 120 MB idle against 96 MB for a restart). So the compiled server composes it in a child
// process that exits with all of it; a worker thread was measured too and left 6 to 9 MB behind.
// The child hands back the records, and the caller stores them in one write.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { InboxRecord, SandboxMessage } from "../../store/store.js";

/** What the child is asked for: the inbox the mailbox is addressed to, and the time it is dated from. */
export interface SeedRequest {
  inbox: Pick<InboxRecord, "id" | "addresses">;
  now: number;
}

export type SeedReply = { messages: SandboxMessage[] } | { error: string };

/** A child that has not answered by then is stopped (it takes well under a second). */
export const SEED_DEADLINE_MS = 60_000;

export function composeSeedMailboxApart(
  inbox: Pick<InboxRecord, "id" | "addresses">,
  now: Date,
): Promise<SandboxMessage[]> {
  // Under tsx or vitest this module is TypeScript: the child then loads its source through tsx.
  const fromSource = import.meta.url.endsWith(".ts");
  const child = fork(fileURLToPath(new URL(fromSource ? "./seed-child.ts" : "./seed-child.js", import.meta.url)), {
    execArgv: fromSource ? ["--import", "tsx", "--conditions=@mcpemails/source"] : [],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    timeout: SEED_DEADLINE_MS,
  });
  return new Promise((resolve, reject) => {
    let reply: SeedReply | undefined;
    child.once("message", (message) => (reply = message as SeedReply));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (reply !== undefined && "messages" in reply) resolve(reply.messages);
      else
        reject(
          new Error(`Seeding the sandbox inbox failed: ${reply?.error ?? `its process ended with ${signal ?? code}`}`),
        );
    });
    child.send({ inbox: { id: inbox.id, addresses: inbox.addresses }, now: now.getTime() } satisfies SeedRequest);
  });
}

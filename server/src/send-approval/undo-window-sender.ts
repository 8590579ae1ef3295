// Sends the holds whose undo window is over (decision undo-window). Every instance polls the
// store's due list; decideSendHold's claim lets exactly one instance send each hold, so any number
// may run, and a hold that fell due while every instance was down goes out when one starts.
import type { FastifyBaseLogger } from "fastify";
import type { Store } from "../store/store.js";
import type { SendApprovals } from "./send-approvals.js";

/** Holds sent per poll at most: the rest wait for the next poll rather than hold this one up. */
const DUE_PER_POLL = 20;

export interface UndoWindowSenderOptions {
  store: Store;
  approvals: SendApprovals;
  now: () => Date;
  log: FastifyBaseLogger;
  pollMs?: number;
}

export interface UndoWindowSender {
  /** Stops polling and waits for the sends of a poll under way to end. */
  stop(): Promise<void>;
}

export function startUndoWindowSender(options: UndoWindowSenderOptions): UndoWindowSender {
  const { store, approvals, now, log } = options;
  let stopped = false;
  let polling: Promise<void> | undefined;
  const poll = async () => {
    const due = await store.listDueSendHolds(now().toISOString(), DUE_PER_POLL);
    for (const { workspaceId, holdId } of due) {
      if (stopped) return;
      await approvals.sendDue(workspaceId, holdId);
    }
  };
  const timer = setInterval(() => {
    if (stopped || polling !== undefined) return;
    polling = poll()
      .catch((error: unknown) =>
        log.error({ error: error instanceof Error ? error.message : String(error) }, "sending due held sends failed"),
      )
      .finally(() => {
        polling = undefined;
      });
  }, options.pollMs ?? 1_000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await polling;
    },
  };
}

// Graph's Outlook limit of "4 concurrent requests" per app ID and mailbox combination
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits; past it Graph answers
// 429 "Application is over its MailboxConcurrency limit"). The slots are per mailbox in this process,
// not per provider, so that two providers of one mailbox (a replaced one still finishing, or two
// inboxes on one account) share them. A mailbox's entry lives while something holds or waits for a slot.

export const MAILBOX_CONCURRENCY = 4;

interface Slots {
  active: number;
  waiting: Array<() => void>;
}

const mailboxes = new Map<string, Slots>();

/**
 * Waits for one of the mailbox's slots; the function returned gives it back (once). A waiter whose
 * signal aborts leaves the queue with the signal's reason.
 */
export async function acquireMailboxSlot(
  mailbox: string,
  signal: AbortSignal,
  limit = MAILBOX_CONCURRENCY,
): Promise<() => void> {
  signal.throwIfAborted();
  let slots = mailboxes.get(mailbox);
  if (slots === undefined) {
    slots = { active: 0, waiting: [] };
    mailboxes.set(mailbox, slots);
  }
  const held = slots;
  if (held.active >= limit)
    await new Promise<void>((resolve, reject) => {
      const granted = () => {
        signal.removeEventListener("abort", leave);
        resolve();
      };
      const leave = () => {
        held.waiting.splice(held.waiting.indexOf(granted), 1);
        reject(signal.reason as Error);
      };
      held.waiting.push(granted);
      signal.addEventListener("abort", leave, { once: true });
    });
  else held.active++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = held.waiting.shift();
    if (next) next();
    else if (--held.active === 0) mailboxes.delete(mailbox);
  };
}

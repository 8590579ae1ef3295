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

/** Waits for one of the mailbox's slots; the function returned gives it back (once). */
export async function acquireMailboxSlot(mailbox: string, limit = MAILBOX_CONCURRENCY): Promise<() => void> {
  let slots = mailboxes.get(mailbox);
  if (slots === undefined) {
    slots = { active: 0, waiting: [] };
    mailboxes.set(mailbox, slots);
  }
  const held = slots;
  if (held.active >= limit) await new Promise<void>((resolve) => held.waiting.push(resolve));
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

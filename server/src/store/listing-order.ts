// The order in which both adapters list things, so that callers and the contract suite can rely on it.
// Sandbox messages are listed newest first; the adapters page them from an index in the same order
// (SQLite by messageTime, Redis by newestFirstKey), so this is the one rule for listings and pages.

/** Oldest first; records created in the same millisecond by id. */
export function byCreation(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id);
}

interface Dated {
  date: string;
  id: string;
}

/** A message's place in time for the listing order: its date in ms, or null when the date does not parse (listed last). */
export function messageTime(date: string): number | null {
  const time = Date.parse(date);
  return Number.isNaN(time) ? null : time;
}

/** Newest first, as a mailbox lists; messages of the same instant (or with no readable date, listed last) by id. */
export function newestMessageFirst(a: Dated, b: Dated): number {
  return compareTimes(messageTime(a.date), messageTime(b.date)) || compareText(a.id, b.id);
}

/** Sorts in place by newestMessageFirst, parsing each date once rather than at every comparison. */
export function sortNewestMessageFirst<T extends Dated>(messages: T[]): T[] {
  const keyed = messages.map((message) => ({ message, time: messageTime(message.date) }));
  keyed.sort((a, b) => compareTimes(a.time, b.time) || compareText(a.message.id, b.message.id));
  for (let index = 0; index < keyed.length; index++) messages[index] = (keyed[index] as (typeof keyed)[number]).message;
  return messages;
}

// Date.parse's range is ±8.64e15 ms: 16 digits, each half exact in a double.
const LATEST_MS = 8_640_000_000_000_000;
const TIME_DIGITS = 16;

/**
 * A text whose byte order (ascending) is newestMessageFirst: "0" and the time counted back from the
 * latest instant JavaScript dates know, or for times before 1970 "1" and the time counted back from
 * 1970, zero-padded; then the id. Dates that do not parse sort after every time.
 */
export function newestFirstKey(message: Dated): string {
  const time = messageTime(message.date);
  const back = time === null ? "2" : time >= 0 ? `0${pad(LATEST_MS - time)}` : `1${pad(-time)}`;
  return `${back}\u0000${message.id}`;
}

function pad(ms: number): string {
  return String(ms).padStart(TIME_DIGITS, "0");
}

function compareTimes(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// What this process last heard from the store of each inbox's correspondents, so that a read that
// shows nothing new makes no store call: agents list the same messages again and again, and each
// call would otherwise be a write transaction. An entry is never more known than the store (another
// instance may have learned more since), so for at most FRESH_MS it can cost a caution, never hide
// one; a send through this process forgets the inbox at once.
import type { Correspondent, CorrespondentSighting } from "../store/store.js";

const FRESH_MS = 30_000;
const INBOXES_MAX = 1_000;
const ADDRESSES_PER_INBOX_MAX = 20_000;

interface CachedInbox {
  learned: boolean;
  byAddress: Map<string, Correspondent>;
  heardAtMs: number;
}

const inboxes = new Map<string, CachedInbox>();

/** What is known of the asked addresses, when the cache holds all of it and the sightings add nothing. */
export function cachedCorrespondents(
  inboxId: string,
  sightings: readonly CorrespondentSighting[],
  asked: readonly string[],
  nowMs: number,
): ReadonlyMap<string, Correspondent> | undefined {
  const cached = inboxes.get(inboxId);
  if (cached === undefined || !cached.learned || nowMs - cached.heardAtMs >= FRESH_MS) return undefined;
  if (!asked.every((address) => cached.byAddress.has(address))) return undefined;
  if (!sightings.every((sighting) => addsNothing(cached.byAddress.get(sighting.address), sighting))) return undefined;
  return cached.byAddress;
}

/** What the store answered, and the sightings it recorded. */
export function rememberCorrespondents(
  inboxId: string,
  answer: { learned: boolean; known: readonly Correspondent[] },
  sightings: readonly CorrespondentSighting[],
  nowMs: number,
): void {
  let cached = inboxes.get(inboxId);
  if (cached === undefined || cached.byAddress.size >= ADDRESSES_PER_INBOX_MAX) {
    if (inboxes.size >= INBOXES_MAX) inboxes.clear();
    cached = { learned: false, byAddress: new Map(), heardAtMs: nowMs };
    inboxes.set(inboxId, cached);
  }
  cached.learned = answer.learned;
  cached.heardAtMs = nowMs;
  for (const sighting of sightings)
    cached.byAddress.set(sighting.address, merged(cached.byAddress.get(sighting.address), sighting));
  for (const known of answer.known) cached.byAddress.set(known.address, known);
}

export function forgetCorrespondents(inboxId: string): void {
  inboxes.delete(inboxId);
}

function addsNothing(known: Correspondent | undefined, sighting: CorrespondentSighting): boolean {
  if (known === undefined) return false;
  if (sighting.writtenTo && !known.writtenTo) return false;
  return (
    sighting.receivedAtMs === null ||
    (known.firstReceivedAtMs !== null && known.firstReceivedAtMs <= sighting.receivedAtMs)
  );
}

function merged(known: Correspondent | undefined, sighting: CorrespondentSighting): Correspondent {
  const dates = [known?.firstReceivedAtMs ?? null, sighting.receivedAtMs].filter((date) => date !== null);
  return {
    address: sighting.address,
    firstReceivedAtMs: dates.length === 0 ? null : Math.min(...dates),
    writtenTo: (known?.writtenTo ?? false) || sighting.writtenTo,
  };
}

// Whether a message's sender is a known correspondent of the inbox (decision known-correspondents):
// one of its own addresses, an address it has written to, or one it received a message from dated
// before this one. Unknown either way (null: no signal) until the inbox's history has been learned,
// and for a message without a readable sender or date.
import type { Correspondent } from "../store/store.js";
import { correspondentAddress, type SeenMessage } from "./sightings.js";

export interface SenderKnowledge {
  learned: boolean;
  own: ReadonlySet<string>;
  byAddress: ReadonlyMap<string, Correspondent>;
}

export function isKnownSender(message: Pick<SeenMessage, "from" | "date">, knowledge: SenderKnowledge): boolean | null {
  const from = correspondentAddress(message.from?.address);
  if (from === null) return null;
  if (knowledge.own.has(from)) return true;
  if (!knowledge.learned) return null;
  const correspondent = knowledge.byAddress.get(from);
  if (correspondent?.writtenTo === true) return true;
  const date = Date.parse(message.date);
  if (!Number.isFinite(date)) return null;
  const first = correspondent?.firstReceivedAtMs ?? null;
  return first !== null && first < date;
}

// The known correspondents of each inbox (decision known-correspondents), by which the read tools
// judge senders. The first read of an inbox learns its history through its provider (the newest
// HISTORY_PER_FOLDER messages of INBOX and of SENT) and waits up to LEARN_WAIT_MS for it, the
// rest going on in the background; every read records what it shows and is judged by it in the
// same store round trip, or in none when this process already knows all it shows
// (correspondent-cache.ts). A store or provider failure costs the signal, never the read.
import type { MailProvider } from "../providers/provider.js";
import type { InboxRecord, Store } from "../store/store.js";
import type { SenderKnowledge } from "./known-sender.js";
import { cachedCorrespondents, forgetCorrespondents, rememberCorrespondents } from "./correspondent-cache.js";
import { correspondentAddress, ownAddressSet, sentToSightings, sightingsOf, type SeenMessage } from "./sightings.js";

/** How many of the newest messages of INBOX, and of SENT, learning reads. */
export const HISTORY_PER_FOLDER = 500;
const PAGE_SIZE = 100;
/** How long the first read of an inbox waits for its history: past that it answers without the signal. */
const LEARN_WAIT_MS = 3_000;
/** How long one learning may take in all, and how long after a failed one the next is tried. */
const LEARN_TIMEOUT_MS = 120_000;
const RETRY_AFTER_MS = 10 * 60_000;

export interface JudgedInbox {
  id: string;
  record: Pick<InboxRecord, "workspaceId" | "addresses">;
}

export class KnownCorrespondents {
  private readonly learning = new Map<string, Promise<boolean>>();
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly store: Store) {}

  /** What is known of the senders of these messages, once their own sightings are recorded. */
  async knowledgeOf(
    inbox: JudgedInbox,
    provider: MailProvider,
    messages: readonly SeenMessage[],
  ): Promise<SenderKnowledge> {
    const own = ownAddressSet(inbox.record.addresses);
    // Nothing to judge (an error, an empty page): no store call, and no learning started by a failing read.
    if (messages.length === 0) return { learned: false, own, byAddress: new Map() };
    const asked = [
      ...new Set(
        messages
          .map((message) => correspondentAddress(message.from?.address))
          .filter((address): address is string => address !== null && !own.has(address)),
      ),
    ];
    const { workspaceId } = inbox.record;
    const sightings = sightingsOf(messages, own);
    const cached = cachedCorrespondents(inbox.id, sightings, asked, Date.now());
    if (cached !== undefined) return { learned: true, own, byAddress: cached };
    try {
      let answer = await this.store.observeCorrespondents(workspaceId, inbox.id, sightings, asked);
      if (!answer.learned && (await this.learnedWithin(inbox, provider)))
        answer = await this.store.observeCorrespondents(workspaceId, inbox.id, [], asked);
      rememberCorrespondents(inbox.id, answer, sightings, Date.now());
      return { learned: answer.learned, own, byAddress: new Map(answer.known.map((known) => [known.address, known])) };
    } catch {
      return { learned: false, own, byAddress: new Map() };
    }
  }

  /** Whether the history was learned within LEARN_WAIT_MS; one learning per inbox at a time. */
  private learnedWithin(inbox: JudgedInbox, provider: MailProvider): Promise<boolean> {
    let learning = this.learning.get(inbox.id);
    if (learning === undefined) {
      const failedAt = this.failedAt.get(inbox.id);
      if (failedAt !== undefined && Date.now() - failedAt < RETRY_AFTER_MS) return Promise.resolve(false);
      learning = this.learn(inbox, provider).then(
        () => true,
        () => {
          this.failedAt.set(inbox.id, Date.now());
          return false;
        },
      );
      const settled = learning.finally(() => this.learning.delete(inbox.id));
      this.learning.set(inbox.id, settled);
      learning = settled;
    }
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), LEARN_WAIT_MS);
      timer.unref();
    });
    return Promise.race([learning, waited]).finally(() => clearTimeout(timer));
  }

  private async learn(inbox: JudgedInbox, provider: MailProvider): Promise<void> {
    const deadline = Date.now() + LEARN_TIMEOUT_MS;
    const own = ownAddressSet(inbox.record.addresses);
    for (const folder of ["INBOX", "SENT"]) {
      let offset: number | null = 0;
      while (offset !== null && offset < HISTORY_PER_FOLDER) {
        const page = await provider.list_inbox(
          { inbox_id: inbox.id, folder, limit: PAGE_SIZE, offset, unread_only: false },
          // A signal per page: the provider adds its listeners to it, and one for all pages would collect them.
          AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        );
        if ("isError" in page) throw new Error(`list_inbox of ${folder} answered ${page.errorCode}`);
        await this.store.observeCorrespondents(inbox.record.workspaceId, inbox.id, sightingsOf(page.messages, own), []);
        offset = page.next_offset;
      }
    }
    await this.store.markCorrespondentsLearned(inbox.record.workspaceId, inbox.id);
  }
}

/** Records the recipients of a send the server made from the inbox as written to; a failure costs nothing. */
export async function rememberWrittenTo(
  store: Store,
  inbox: JudgedInbox,
  recipients: readonly string[],
): Promise<void> {
  const sightings = sentToSightings(recipients, ownAddressSet(inbox.record.addresses));
  if (sightings.length === 0) return;
  await store.observeCorrespondents(inbox.record.workspaceId, inbox.id, sightings, []).catch(() => undefined);
  forgetCorrespondents(inbox.id);
}

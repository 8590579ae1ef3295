// The sandbox-message methods of the Store, in memory, for the sandbox's tests (the real
// adapters have their own contract suite). Messages go through JSON on the way in and out, as they
// do in a real store, so a test fails if the provider keeps anything a store could not.
import { sortNewestMessageFirst } from "../../src/store/listing-order.js";
import { sandboxSummaryData, type SandboxMessage } from "../../src/store/store.js";
import type { SandboxMailbox } from "../../src/providers/sandbox/sandbox-message.js";

export interface InMemoryMailbox extends SandboxMailbox {
  /** Every message of every inbox, as stored. */
  all(): SandboxMessage[];
  /** How many times putSandboxMessages was called. */
  writes(): number;
}

export function createInMemoryMailbox(): InMemoryMailbox {
  const messages = new Map<string, string>();
  let writes = 0;
  const keyOf = (inboxId: string, id: string) => `${inboxId}/${id}`;
  const read = (json: string) => JSON.parse(json) as SandboxMessage;
  const list = (inboxId: string) => [...messages.values()].map(read).filter((message) => message.inboxId === inboxId);
  return {
    async putSandboxMessages(batch) {
      writes++;
      for (const message of batch) messages.set(keyOf(message.inboxId, message.id), JSON.stringify(message));
    },
    async listSandboxMessages(inboxId) {
      return list(inboxId);
    },
    async listSandboxSummaries(inboxId, folder) {
      return list(inboxId)
        .filter((message) => folder === undefined || message.folder === folder)
        .map((message) => ({ ...message, data: sandboxSummaryData(message.data) }));
    },
    async pageSandboxSummaries(inboxId, { folder, unreadOnly = false, offset, limit }) {
      const listed = sortNewestMessageFirst(
        list(inboxId).filter((message) => message.folder === folder && (!unreadOnly || message.unread)),
      );
      return {
        messages: listed
          .slice(offset, offset + limit)
          .map((message) => ({ ...message, data: sandboxSummaryData(message.data) })),
        total: listed.length,
      };
    },
    async getSandboxMessage(inboxId, id) {
      const json = messages.get(keyOf(inboxId, id));
      return json === undefined ? undefined : read(json);
    },
    async deleteSandboxMessages(inboxId, ids) {
      for (const id of ids) messages.delete(keyOf(inboxId, id));
    },
    all: () => [...messages.values()].map(read),
    writes: () => writes,
  };
}

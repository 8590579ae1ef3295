// The sandbox under the provider contract: providers made by the registry over an in-memory store,
// inboxes of one workspace (where sandbox sends are delivered), and a store that can be made slow.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { InboxRecord } from "../../../src/store/store.js";
import { createProviderRegistry, type ProviderStore } from "../../../src/providers/registry.js";
import { sandboxAddress } from "../../../src/providers/sandbox/address.js";
import { buildSandboxMessage } from "../../../src/providers/sandbox/sandbox-message.js";
import { createInMemoryMailbox } from "../in-memory-mailbox.js";
import { aliasOf, type ContractInbox, type ProviderAdapter } from "./provider-adapter.js";

/** How long the store takes to answer while a slow search is injected: longer than any search deadline the case uses. */
const SLOW_STORE_MS = 5_000;

export function sandboxAdapter(): ProviderAdapter {
  const mailbox = createInMemoryMailbox();
  const workspaceId = randomUUID();
  const inboxes: InboxRecord[] = [];
  let slow = false;
  const store: ProviderStore = {
    ...mailbox,
    listSandboxSummaries: async (inboxId, folder) => {
      if (slow) await sleep(SLOW_STORE_MS);
      return mailbox.listSandboxSummaries(inboxId, folder);
    },
    listInboxes: async (workspace) => inboxes.filter((inbox) => inbox.workspaceId === workspace),
  };
  const registry = createProviderRegistry(store);

  const newInbox = (): ContractInbox => {
    const id = randomUUID();
    const record: InboxRecord = {
      id,
      workspaceId,
      mode: "test",
      kind: "sandbox",
      addresses: [sandboxAddress(id), aliasOf(sandboxAddress(id))],
      secret: null,
      createdAt: new Date().toISOString(),
    };
    inboxes.push(record);
    return { provider: registry(record), inboxId: id, address: sandboxAddress(id), alias: aliasOf(sandboxAddress(id)) };
  };

  return {
    name: "sandbox",
    notApplicable: {
      auth: "a sandbox inbox has no credentials to revoke",
      unavailable: "the sandbox is this server's store, not a service; a store failure is this server's own (-32603)",
      throttled: "the sandbox has no service that throttles",
    },
    start: async () => undefined,
    stop: async () => registry.close(),
    open: async () => ({ inbox: newInbox(), peer: newInbox(), third: newInbox() }),
    async seed(inbox, messages) {
      const built = [];
      for (const message of messages) {
        const id = randomUUID();
        built.push(
          await buildSandboxMessage({
            inboxId: inbox.inboxId,
            id,
            folder: message.folder,
            unread: message.unread,
            threadId: id,
            raw: message.raw,
            receivedAt: message.date,
          }),
        );
      }
      await mailbox.putSandboxMessages(built);
    },
    unknownMessageId: () => randomUUID(),
    async inject(mode, inbox) {
      if (mode !== "slow_search") throw new Error(`the sandbox cannot fail by ${mode}`);
      slow = true;
      return { inbox, undo: async () => void (slow = false) };
    },
    settled: async () => undefined,
  };
}

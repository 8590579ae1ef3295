// Outlook under the provider contract: providers made by the registry for mailboxes of the Graph fake
// (server/test/fakes/outlook), each connected through the consent flow, and the fake's faults and
// latency for the service's failures. Sends are filed and delivered after Graph's 202, as Exchange
// does (the fake's sentCopyDelayMs), so reads of what a send produced wait for the fake to settle.
import { randomUUID } from "node:crypto";
import type { InboxRecord } from "../../../src/store/store.js";
import { createProviderRegistry, type ProviderRegistry } from "../../../src/providers/registry.js";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../fakes/outlook/fake-session.js";
import { createInMemoryMailbox } from "../in-memory-mailbox.js";
import { aliasOf, type ContractInbox, type ProviderAdapter } from "./provider-adapter.js";

/** Longer than any search deadline the slow-search case uses. */
const SLOW_SEARCH_MS = 5_000;
/** A Retry-After longer than the provider's retries wait, so that the wait is the caller's. */
const RETRY_AFTER_SECONDS = 3_600;

export function outlookAdapter(): ProviderAdapter {
  let session: GraphFakeSession;
  let registry: ProviderRegistry;

  const newInbox = async (): Promise<ContractInbox> => {
    const address = `contract-${randomUUID().slice(0, 8)}@contoso.test`;
    const settings = await session.connect(address, "Contract");
    const record: InboxRecord = {
      id: randomUUID(),
      workspaceId: "contract",
      mode: "live",
      kind: "outlook",
      addresses: [address, aliasOf(address)],
      secret: JSON.stringify(settings),
      createdAt: new Date().toISOString(),
    };
    return { provider: registry(record), inboxId: record.id, address, alias: aliasOf(address) };
  };

  return {
    name: "Outlook",
    notApplicable: {},
    async start() {
      session = startGraphFake();
      registry = createProviderRegistry(
        { ...createInMemoryMailbox(), listInboxes: async () => [] },
        { microsoft: FAKE_MICROSOFT_APP },
      );
    },
    async stop() {
      await session?.fake.settled();
      await registry?.close();
      session?.close();
    },
    open: async () => ({ inbox: await newInbox(), peer: await newInbox(), third: await newInbox() }),
    async seed(inbox, messages) {
      for (const message of messages)
        await session.fake.seed(inbox.address, message.raw, {
          folder: message.folder === "SENT" ? "sentitems" : "inbox",
          isRead: !message.unread,
          receivedDateTime: message.date.toISOString(),
        });
    },
    // The same shape (base64url of at least 32 bytes), other bytes.
    unknownMessageId: (_inbox, existing) =>
      `${existing.slice(0, -8)}${existing.endsWith("AAAAAAAA") ? "BBBBBBBB" : "AAAAAAAA"}`,
    async inject(mode, inbox) {
      const fake = session.fake;
      const nothingToUndo = async () => undefined;
      switch (mode) {
        case "auth": {
          const failing = await newInbox();
          fake.revokeGrant(failing.address);
          return { inbox: failing, undo: nothingToUndo };
        }
        case "unavailable":
          fake.failNext({
            endpoint: /^POST \/me\/(sendMail|messages\/\{id\}\/send)$/u,
            status: 503,
            code: "ServiceUnavailable",
          });
          return { inbox, undo: nothingToUndo };
        case "throttled":
          fake.throttleNext(1, RETRY_AFTER_SECONDS);
          return { inbox, undo: nothingToUndo };
        case "slow_search":
          fake.latencyMs = SLOW_SEARCH_MS;
          return { inbox, undo: async () => void (fake.latencyMs = 0) };
      }
    },
    settled: async () => session.fake.settled(),
  };
}

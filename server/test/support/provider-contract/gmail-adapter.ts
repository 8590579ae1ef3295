// Gmail under the provider contract: providers made by the registry for mailboxes of the fake Gmail
// (server/test/fakes/gmail), each granted to the rig's OAuth client as a person's would be, and the
// fake's faults for the service's failures.
import { randomUUID } from "node:crypto";
import type { InboxRecord } from "../../../src/store/store.js";
import { createProviderRegistry, type ProviderRegistry } from "../../../src/providers/registry.js";
import { startGmailRig, type GmailRig } from "../../fakes/gmail/gmail-rig.js";
import { createInMemoryMailbox } from "../in-memory-mailbox.js";
import { aliasOf, type ContractInbox, type ProviderAdapter } from "./provider-adapter.js";

/** Longer than any search deadline the slow-search case uses. */
const SLOW_SEARCH_MS = 5_000;
/** A Retry-After longer than the provider's retries wait, so that the wait is the caller's. */
const RETRY_AFTER_SECONDS = 3_600;

export function gmailAdapter(): ProviderAdapter {
  let rig: GmailRig;
  let registry: ProviderRegistry;
  const refreshTokens = new Map<string, string>();

  const newInbox = (): ContractInbox => {
    const address = `contract-${randomUUID().slice(0, 8)}@example.com`;
    const settings = rig.connect(address);
    refreshTokens.set(address, settings.refreshToken);
    const record: InboxRecord = {
      id: randomUUID(),
      workspaceId: "contract",
      mode: "live",
      kind: "gmail",
      addresses: [address, aliasOf(address)],
      secret: JSON.stringify(settings),
      createdAt: new Date().toISOString(),
    };
    return { provider: registry(record), inboxId: record.id, address, alias: aliasOf(address) };
  };

  return {
    name: "Gmail",
    notApplicable: {},
    async start() {
      rig = startGmailRig();
      registry = createProviderRegistry(
        { ...createInMemoryMailbox(), listInboxes: async () => [] },
        { google: rig.app },
      );
    },
    async stop() {
      await registry?.close();
      rig?.close();
    },
    open: async () => ({ inbox: newInbox(), peer: newInbox(), third: newInbox() }),
    async seed(inbox, messages) {
      for (const message of messages)
        await rig.gmail.mailboxes.insert(inbox.address, message.raw, {
          labelIds: [message.folder, ...(message.unread ? ["UNREAD"] : [])],
        });
    },
    // Gmail's ids are 16 hex digits; the fake counts up from 18f0000000000000.
    unknownMessageId: () => "18ffffffffffffff",
    async inject(mode, inbox) {
      const nothingToUndo = async () => undefined;
      switch (mode) {
        case "auth": {
          const failing = newInbox();
          rig.gmail.oauth.revoke(refreshTokens.get(failing.address) ?? "");
          return { inbox: failing, undo: nothingToUndo };
        }
        case "unavailable":
          rig.gmail.fail({ endpoint: "messages.send.upload", status: 503, reason: "backendError" });
          return { inbox, undo: nothingToUndo };
        case "throttled":
          rig.gmail.fail({
            endpoint: "messages.list",
            status: 429,
            reason: "rateLimitExceeded",
            retryAfterSeconds: RETRY_AFTER_SECONDS,
          });
          return { inbox, undo: nothingToUndo };
        case "slow_search":
          rig.gmail.fail({ endpoint: "messages.list", delayMs: SLOW_SEARCH_MS });
          return { inbox, undo: nothingToUndo };
      }
    },
    settled: async () => undefined,
  };
}

// Which MailProvider serves an inbox. Only sandbox inboxes have a provider so far; the others
// answer provider_error saying so, rather than failing in some less explicit way.
import { providerError, type ExecutionErrorResult } from "@mcpemails/generated";
import { addressKey } from "../mail/addresses.js";
import type { InboxKind, InboxRecord, Store } from "../store/store.js";
import type { MailProvider } from "./provider.js";
import { createSandboxProvider } from "./sandbox/sandbox-provider.js";
import type { SandboxMailbox } from "./sandbox/sandbox-message.js";

/** What the providers need of the store. */
export type ProviderStore = SandboxMailbox & Pick<Store, "listInboxes">;

export function createProviderRegistry(store: ProviderStore, options: { now?: () => Date } = {}): (inbox: InboxRecord) => MailProvider {
  return (inbox) => {
    switch (inbox.kind) {
      case "sandbox":
        return createSandboxProvider({
          inbox,
          mailbox: store,
          deliverTo: (address) => findSandboxInbox(store, inbox.workspaceId, address),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
      default:
        return unavailableProvider(inbox.kind);
    }
  };
}

/** The sandbox inbox of the workspace that has this address, compared case-insensitively. */
export async function findSandboxInbox(store: Pick<Store, "listInboxes">, workspaceId: string, address: string): Promise<InboxRecord | undefined> {
  const key = addressKey(address);
  const inboxes = await store.listInboxes(workspaceId);
  return inboxes.find((candidate) => candidate.kind === "sandbox" && candidate.workspaceId === workspaceId && candidate.addresses.some((own) => addressKey(own) === key));
}

function unavailableProvider(kind: InboxKind): MailProvider {
  const unavailable = async (): Promise<ExecutionErrorResult<"provider_error">> =>
    providerError({ detail: `${kind} inboxes are not supported by this server yet; nothing was read or sent.` });
  return { list_inbox: unavailable, read_email: unavailable, search_emails: unavailable, send_email: unavailable, reply_to_email: unavailable };
}

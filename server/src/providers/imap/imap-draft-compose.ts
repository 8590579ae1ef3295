// A draft's source, from the inbox's address with a new Message-ID, as sends are composed.
import { composeOutgoing, type OutgoingMessage } from "../../mail/outgoing.js";
import type { ComposedMessage } from "../../mail/compose.js";
import { newMessageId } from "../core/message-id.js";
import type { ImapContext } from "./imap-context.js";

export function composeDraft(context: ImapContext, content: OutgoingMessage): Promise<ComposedMessage> {
  return composeOutgoing(content, {
    from: { name: null, address: context.settings.address },
    messageId: newMessageId(context.settings.address, "mcpemails.invalid"),
    date: context.now(),
  });
}

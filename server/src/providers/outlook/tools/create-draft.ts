// A draft in Drafts from the composed MIME: new, or a reply draft (the original's MIME read for its
// recipients and threading headers, which Exchange threads it by).
import type { Message } from "@microsoft/microsoft-graph-types";
import type { CreateDraftArgs } from "@mcpemails/generated";
import { draftOutput, prepareDraft } from "../../../mail/drafts.js";
import { isRefusal } from "../../../mail/outgoing.js";
import { parseMessage } from "../../../mail/parse.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { messagePath } from "../graph-ids.js";
import type { OutlookContext } from "../outlook-context.js";
import { createGraphDraft } from "../outlook-send.js";

export async function createDraft(context: OutlookContext, args: CreateDraftArgs, call: ToolCall) {
  const { graph } = context;
  const { signal } = call;
  let original;
  let originalConversation: string | null = null;
  if (args.message_id !== undefined) {
    const path = messagePath(args.message_id);
    const [raw, meta] = await Promise.all([
      graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
      graph.json<Message>({ method: "GET", path, query: { $select: "conversationId" }, signal }),
    ]);
    original = await parseMessage(raw, { includeHtml: false, includeAttachments: false });
    originalConversation = meta.conversationId ?? null;
  }
  const content = prepareDraft(args, original, context.ownAddresses);
  if (isRefusal(content)) return content;
  const from = { name: null, address: context.address };
  const { draft, messageId } = await createGraphDraft(graph, content, from, context.now(), signal);
  const id = draft.id ?? "";
  return draftOutput(
    { draftId: id, messageId: id, threadId: draft.conversationId ?? originalConversation },
    content,
    messageId,
  );
}

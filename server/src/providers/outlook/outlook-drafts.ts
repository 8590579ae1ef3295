// Outlook drafts are messages of Drafts (isDraft true), named by their immutable id. A MIME draft
// cannot be rewritten in place, so an update creates the new draft and then deletes the old one,
// answering the new id; a message that is no draft (sent, or never one) names no draft.
import type { Message } from "@microsoft/microsoft-graph-types";
import { ProviderFailure } from "../core/provider-failure.js";
import { messagePath } from "./graph-ids.js";
import { GraphRequestError } from "./graph-request-error.js";
import type { OutlookContext } from "./outlook-context.js";

export interface StoredDraft {
  id: string;
  conversationId: string | null;
  raw: Buffer;
}

export async function storedDraft(context: OutlookContext, draftId: string, signal: AbortSignal): Promise<StoredDraft> {
  const { graph } = context;
  const path = draftPath(draftId);
  const meta = await graph.json<Message>({
    method: "GET",
    path,
    query: { $select: "id,isDraft,conversationId" },
    signal,
  });
  if (meta.isDraft !== true) throw noSuchDraft();
  const raw = await graph.bytes({ method: "GET", path: `${path}/$value`, signal });
  return { id: draftId, conversationId: meta.conversationId ?? null, raw };
}

/** Deletes the draft (Graph's DELETE moves it out of every folder a mail client shows). */
export async function deleteStoredDraft(context: OutlookContext, draftId: string, signal: AbortSignal): Promise<void> {
  const response = await context.graph.send({ method: "DELETE", path: draftPath(draftId), signal });
  await response.arrayBuffer();
}

/** The draft's path; a malformed id names no draft (Graph would answer 400, not 404). */
function draftPath(draftId: string): string {
  try {
    return messagePath(draftId);
  } catch (error) {
    if (error instanceof GraphRequestError) throw noSuchDraft();
    throw error;
  }
}

function noSuchDraft(): ProviderFailure {
  return new ProviderFailure("not_found", "Outlook has no such draft");
}

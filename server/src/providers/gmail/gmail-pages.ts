// Offsets over Gmail's page tokens. messages.list only continues from a nextPageToken, so the
// provider remembers, per query, the token that starts each offset it has reached (the core's
// PageCheckpoints): a walk page by page costs one list call per page, and a jump starts from the
// nearest offset it knows (with up to 500 ids per list call).
import type { PageCheckpoints } from "../core/page-checkpoints.js";
import type { GmailCalls } from "./gmail-calls.js";
import { GmailFailure } from "./gmail-failure.js";
import { listMessages } from "./gmail-list-request.js";

const LIST_MAX_RESULTS = 500;

export interface ListQuery {
  q?: string;
  labelIds?: string[];
  includeSpamTrash?: boolean;
}

export interface IdPage {
  ids: string[];
  nextOffset: number | null;
  /** resultSizeEstimate of the last list call. */
  estimate: number | null;
}

/** The ids at [offset, offset + limit) of the query's results, newest first. */
export async function listIdPage(
  calls: GmailCalls,
  checkpoints: PageCheckpoints,
  query: ListQuery,
  offset: number,
  limit: number,
  signal: AbortSignal,
): Promise<IdPage> {
  const queryKey = JSON.stringify([query.q ?? null, query.labelIds ?? [], query.includeSpamTrash ?? false]);
  try {
    return await walk(calls, checkpoints, queryKey, query, offset, limit, signal);
  } catch (error) {
    // A page token Gmail no longer accepts (400): start the walk again from the top, once.
    if (
      error instanceof GmailFailure &&
      error.kind === "refused" &&
      checkpoints.nearest(queryKey, offset).token !== null
    ) {
      checkpoints.forget(queryKey);
      return walk(calls, checkpoints, queryKey, query, offset, limit, signal);
    }
    throw error;
  }
}

async function walk(
  calls: GmailCalls,
  checkpoints: PageCheckpoints,
  queryKey: string,
  query: ListQuery,
  offset: number,
  limit: number,
  signal: AbortSignal,
): Promise<IdPage> {
  const end = offset + limit;
  let { offset: at, token } = checkpoints.nearest(queryKey, offset);
  const ids: string[] = [];
  let estimate: number | null = null;
  for (;;) {
    const pageToken = token;
    const answer = await calls.call(
      (options) =>
        listMessages(
          calls,
          {
            maxResults: Math.min(LIST_MAX_RESULTS, end - at),
            ...(pageToken === null ? {} : { pageToken }),
            ...(query.q === undefined ? {} : { q: query.q }),
            ...(query.labelIds === undefined ? {} : { labelIds: query.labelIds }),
            ...(query.includeSpamTrash ? { includeSpamTrash: true } : {}),
          },
          options,
        ),
      signal,
      true,
    );
    estimate = answer.resultSizeEstimate ?? estimate;
    for (const message of answer.messages ?? []) {
      if (at >= offset && at < end && typeof message.id === "string") ids.push(message.id);
      at++;
    }
    token = answer.nextPageToken ?? null;
    if (token !== null) checkpoints.remember(queryKey, at, token);
    if (token === null || at >= end) break;
  }
  return { ids, nextOffset: token !== null && at >= end ? end : null, estimate };
}

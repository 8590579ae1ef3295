// The Outlook provider: the five tools over Microsoft Graph for one mailbox, with tokens from MSAL.
// list_inbox is one request per page ($top/$skip/$count on the folder); read_email is the MIME
// source ($value) through the common parse path plus the few properties MIME lacks (at most two
// requests); search_emails is KQL $search (paged through nextLinks with checkpoints, its ids made
// immutable by one more request) or, for unread, $filter or a $search whose results' read state is
// checked; a send is a draft from MIME (plus upload sessions above the request limit), then sent,
// so that it returns the sent message's id.
import type { Message } from "@microsoft/microsoft-graph-types";
import {
  authFailed,
  messageNotFound,
  providerError,
  searchTimeout,
  type ExecutionErrorResult,
  type Folder,
  type ListInboxOutput,
  type ReadEmailOutput,
  type SearchEmailsArgs,
  type SearchEmailsOutput,
} from "@mcpemails/generated";
import { isRefusal, prepareReply, prepareSend, type OutgoingMessage } from "../../mail/outgoing.js";
import { parseMessage } from "../../mail/parse.js";
import type { InboxRecord } from "../../store/store.js";
import type { MicrosoftAppConfig } from "../provider-apps.js";
import { ParameterError, type ClosableProvider, type SentMessage } from "../provider.js";
import { parsePortableQuery, standardFolders } from "../search-params.js";
import { messagePath } from "./graph-ids.js";
import { createGraphClient, GraphRequestError, type GraphClient } from "./graph-client.js";
import { ORDERABLE_FILTER_PREFIX, portableToGraph, quoteSearch, type GraphQuery } from "./graph-query.js";
import { GrantRefused, mailboxTokens } from "./msal-tokens.js";
import { READ_SELECT, SUMMARY_SELECT, toSummary, WELL_KNOWN } from "./outlook-message.js";
import { NothingSent, sendThroughGraph } from "./outlook-send.js";
import type { OutlookSettings } from "./outlook-settings.js";
import { SearchCheckpoints } from "./search-checkpoints.js";

export interface OutlookProviderOptions {
  inbox: InboxRecord;
  settings: OutlookSettings;
  app: MicrosoftAppConfig;
  /** Stores the settings again (encrypted) when MSAL's token cache changed. */
  saveSettings: (settings: OutlookSettings) => Promise<void>;
  now?: () => Date;
  /** Waits of the 429 retries; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Per request; a search that runs longer is search_timeout, a send provider_error with an unknown outcome. */
  requestTimeoutMs?: number;
}

/** Graph's $search returns at most this many results for one query. */
export const SEARCH_RESULT_CEILING = 1000;
/** translateExchangeIds takes at most this many ids a call (https://learn.microsoft.com/graph/api/user-translateexchangeids). */
const TRANSLATE_BATCH = 1000;
const SEARCH_TIMEOUT_SECONDS = 30;

interface CollectionPage {
  value: Message[];
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
}

export function createOutlookProvider(options: OutlookProviderOptions): ClosableProvider {
  const { inbox, app, now = () => new Date() } = options;
  let settings = options.settings;
  // Saves run one after another, so that an older cache never overwrites a newer one.
  let saving: Promise<void> = Promise.resolve();
  const save = (next: OutlookSettings) => {
    settings = next;
    saving = saving.then(() => options.saveSettings(next));
    return saving;
  };
  const tokens = mailboxTokens({
    app,
    tokenCache: settings.tokenCache,
    homeAccountId: settings.homeAccountId,
    onCacheChanged: (tokenCache) => save({ ...settings, tokenCache }),
  });
  const graph: GraphClient = createGraphClient({
    tokens,
    now,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
  });
  const checkpoints = new SearchCheckpoints();
  const folderNames = new Map<string, string>();
  let folderIdsLoaded: Promise<void> | undefined;

  /** The folder ids of the four well-known folders: from the settings, else asked once (and saved). */
  function loadFolderIds(signal: AbortSignal): Promise<void> {
    folderIdsLoaded ??= (async () => {
      let ids = settings.folderIds;
      if (ids === undefined) {
        const entries = await Promise.all(
          (Object.keys(WELL_KNOWN) as Folder[]).map(
            async (folder) =>
              [
                folder,
                (
                  await graph.json<{ id: string }>({
                    method: "GET",
                    path: `/me/mailFolders/${WELL_KNOWN[folder]}`,
                    query: { $select: "id" },
                    signal,
                  })
                ).id,
              ] as const,
          ),
        );
        ids = Object.fromEntries(entries) as Record<Folder, string>;
        await save({ ...settings, folderIds: ids });
      }
      for (const [folder, id] of Object.entries(ids)) folderNames.set(id, folder);
    })().catch((error: unknown) => {
      folderIdsLoaded = undefined;
      throw error;
    });
    return folderIdsLoaded;
  }

  async function folderIdsOf(folders: readonly Folder[], signal: AbortSignal): Promise<Set<string>> {
    await loadFolderIds(signal);
    return new Set(folders.map((folder) => settings.folderIds?.[folder] ?? ""));
  }

  /** INBOX/SENT/DRAFTS/TRASH, or the display name of any other folder (asked once per folder). */
  async function folderOf(parentFolderId: string | null | undefined, signal: AbortSignal): Promise<string> {
    if (parentFolderId === null || parentFolderId === undefined) return "INBOX";
    await loadFolderIds(signal);
    const known = folderNames.get(parentFolderId);
    if (known !== undefined) return known;
    const folder = await graph.json<{ displayName?: string }>({
      method: "GET",
      path: `/me/mailFolders/${encodeURIComponent(parentFolderId)}`,
      query: { $select: "displayName" },
      signal,
    });
    const name = folder.displayName ?? parentFolderId;
    folderNames.set(parentFolderId, name);
    return name;
  }

  function failure(
    error: unknown,
    context: { messageId: string },
  ): ExecutionErrorResult<"auth_failed" | "provider_error" | "message_not_found">;
  function failure(
    error: unknown,
    context: { search: true },
  ): ExecutionErrorResult<"auth_failed" | "provider_error" | "search_timeout">;
  function failure(error: unknown, context: { send?: true }): ExecutionErrorResult<"auth_failed" | "provider_error">;
  function failure(
    error: unknown,
    context: { messageId?: string; search?: boolean; send?: boolean },
  ): ExecutionErrorResult<"auth_failed" | "provider_error" | "message_not_found" | "search_timeout"> {
    if (error instanceof GrantRefused) return authFailed({ inbox_id: inbox.id });
    const nothingSent = error instanceof NothingSent;
    const cause = nothingSent ? error.cause : error;
    if (!(cause instanceof GraphRequestError)) throw error;
    // Graph answers 400 ErrorInvalidIdMalformed to an id it could not have issued: no such message either.
    const noSuchMessage =
      cause.status === 404 || cause.code === "ErrorItemNotFound" || cause.code === "ErrorInvalidIdMalformed";
    if (context.messageId !== undefined && noSuchMessage)
      return messageNotFound({ message_id: context.messageId, inbox_id: inbox.id });
    if (context.search && (cause.code === "timeout" || cause.status === 504 || cause.code === "ErrorTimeoutExpired"))
      return searchTimeout({ timeoutSeconds: SEARCH_TIMEOUT_SECONDS });
    const retryAfter =
      cause.retryAfterSeconds === undefined ? {} : { retryAfter: Math.max(1, cause.retryAfterSeconds) };
    if (context.send && cause.outcomeUnknown && !nothingSent) {
      return providerError({
        detail: `${cause.message}. The message was handed to Outlook, which may or may not have sent it; it was not resent. Check SENT before sending again.`,
        deliveryStatus: "unknown",
        ...retryAfter,
      });
    }
    return providerError({ detail: `${cause.message}${context.send ? ". Nothing was sent." : ""}`, ...retryAfter });
  }

  async function summaries(messages: readonly Message[], signal: AbortSignal, folder?: string) {
    return Promise.all(
      messages.map(async (message) => toSummary(message, folder ?? (await folderOf(message.parentFolderId, signal)))),
    );
  }

  /**
   * The messages with the immutable ids every other call gives: $search ignores Prefer:
   * IdType="ImmutableId" (https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/698), and its REST
   * ids die when the message moves. One translateExchangeIds per page; an id Graph cannot translate (the
   * message is gone since) stays as found.
   */
  async function withImmutableIds(messages: readonly Message[], signal: AbortSignal): Promise<Message[]> {
    const ids = messages.flatMap((message) => (message.id ? [message.id] : []));
    const immutable = new Map<string, string>();
    for (let start = 0; start < ids.length; start += TRANSLATE_BATCH) {
      const answer = await graph.json<{ value?: Array<{ sourceId?: string; targetId?: string }> }>({
        method: "POST",
        path: "/me/translateExchangeIds",
        body: JSON.stringify({
          inputIds: ids.slice(start, start + TRANSLATE_BATCH),
          sourceIdType: "restId",
          targetIdType: "restImmutableEntryId",
        }),
        contentType: "application/json",
        signal,
      });
      for (const { sourceId, targetId } of answer.value ?? [])
        if (sourceId && targetId) immutable.set(sourceId, targetId);
    }
    return messages.map((message) => ({ ...message, id: immutable.get(message.id ?? "") ?? message.id }));
  }

  /** A page of a $search: from the nearest checkpoint, one request; the nextLink after it is kept for the next page. */
  async function searchPage(
    base: string,
    search: string,
    args: SearchEmailsArgs,
    signal: AbortSignal,
  ): Promise<SearchEmailsOutput> {
    const output = {
      offset: args.offset,
      limit: args.limit,
      result_ceiling: SEARCH_RESULT_CEILING,
      syntax: args.syntax,
      total_is_estimate: false,
    };
    if (args.offset >= SEARCH_RESULT_CEILING) return { ...output, messages: [], next_offset: null, total: null };
    const key = `${base}\u0000${search}`;
    const start = checkpoints.nearest(key, args.offset);
    const top = Math.min(args.offset - start.offset + args.limit, SEARCH_RESULT_CEILING);
    const url = new URL(start.link ?? `https://graph.microsoft.com/v1.0${base}`);
    if (start.link === null) {
      url.searchParams.set("$search", search);
      url.searchParams.set("$select", SUMMARY_SELECT);
    }
    // A nextLink keeps the $top of the request it came from; this page's size is set here.
    url.searchParams.set("$top", String(top));
    const page = await graph.json<CollectionPage>({ method: "GET", path: url.toString(), signal });
    const wanted = page.value.slice(args.offset - start.offset);
    const next = page["@odata.nextLink"];
    const end = args.offset + wanted.length;
    if (next !== undefined) checkpoints.remember(key, start.offset + page.value.length, next);
    return {
      ...output,
      messages: await summaries(await withImmutableIds(wanted, signal), signal),
      next_offset: next === undefined ? null : end,
      total: next === undefined ? end : null,
    };
  }

  /**
   * A $search of the mailbox whose results count only when `keep` says so: several folders (Graph
   * searches one folder or the whole mailbox) or a read state ($search has none). Checkpoints are
   * kept at the end of every page fetched (in counts of kept results), so a sequential walk costs
   * about one request per page when most matches are kept, more when few are. `keptName` says
   * what keep tests, for the checkpoints.
   */
  async function searchKeeping(
    search: string,
    keep: (message: Message) => boolean,
    keptName: string,
    args: SearchEmailsArgs,
    signal: AbortSignal,
  ): Promise<SearchEmailsOutput> {
    const output = {
      offset: args.offset,
      limit: args.limit,
      result_ceiling: SEARCH_RESULT_CEILING,
      syntax: args.syntax,
      total_is_estimate: false,
    };
    if (args.offset >= SEARCH_RESULT_CEILING) return { ...output, messages: [], next_offset: null, total: null };
    const key = `/me/messages\u0000${search}\u0000${keptName}`;
    const start = checkpoints.nearest(key, args.offset);
    let link = start.link;
    const kept: Message[] = [];
    let exhausted = false;
    while (start.offset + kept.length < args.offset + args.limit) {
      const url = new URL(link ?? "https://graph.microsoft.com/v1.0/me/messages");
      if (link === null) {
        url.searchParams.set("$search", search);
        url.searchParams.set("$select", SUMMARY_SELECT);
      }
      url.searchParams.set("$top", String(Math.max(args.limit, 50)));
      const page = await graph.json<CollectionPage>({ method: "GET", path: url.toString(), signal });
      kept.push(...page.value.filter(keep));
      link = page["@odata.nextLink"] ?? null;
      if (link === null) {
        exhausted = true;
        break;
      }
      checkpoints.remember(key, start.offset + kept.length, link);
    }
    const wanted = kept.slice(args.offset - start.offset, args.offset - start.offset + args.limit);
    const end = args.offset + wanted.length;
    const last = exhausted && end >= start.offset + kept.length;
    return {
      ...output,
      messages: await summaries(await withImmutableIds(wanted, signal), signal),
      next_offset: last ? null : end,
      total: exhausted ? start.offset + kept.length : null,
    };
  }

  async function filterPage(
    base: string,
    filter: string,
    args: SearchEmailsArgs,
    signal: AbortSignal,
  ): Promise<SearchEmailsOutput> {
    const page = await graph.json<CollectionPage>({
      method: "GET",
      path: base,
      query: {
        $filter: `${ORDERABLE_FILTER_PREFIX} and (${filter})`,
        $orderby: "receivedDateTime desc",
        $top: String(args.limit),
        $skip: String(args.offset),
        $count: "true",
        $select: SUMMARY_SELECT,
      },
      signal,
    });
    const total = page["@odata.count"] ?? null;
    const end = args.offset + page.value.length;
    const more = total === null ? page["@odata.nextLink"] !== undefined : end < total;
    return {
      messages: await summaries(page.value, signal),
      offset: args.offset,
      limit: args.limit,
      next_offset: more ? end : null,
      total,
      total_is_estimate: false,
      result_ceiling: null,
      syntax: args.syntax,
    };
  }

  /** The original of a reply, parsed, with its conversation. */
  async function original(messageId: string, signal: AbortSignal) {
    const path = messagePath(messageId);
    const [raw, meta] = await Promise.all([
      graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
      graph.json<Message>({
        method: "GET",
        path,
        query: { $select: "conversationId" },
        signal,
      }),
    ]);
    return {
      parsed: await parseMessage(raw, { includeHtml: false, includeAttachments: false }),
      conversationId: meta.conversationId ?? null,
    };
  }

  async function dispatch(
    outgoing: OutgoingMessage,
    threadId: string | null,
    signal: AbortSignal,
  ): Promise<SentMessage> {
    const sent = await sendThroughGraph(graph, outgoing, { name: null, address: settings.address }, now(), signal);
    return {
      message_id: sent.messageId,
      thread_id: sent.conversationId ?? threadId,
      rfc822_message_id: sent.rfc822MessageId,
    };
  }

  return {
    async list_inbox(args, signal) {
      try {
        const page = await graph.json<CollectionPage>({
          method: "GET",
          path: `/me/mailFolders/${WELL_KNOWN[args.folder]}/messages`,
          query: {
            $select: SUMMARY_SELECT,
            $top: String(args.limit),
            $skip: String(args.offset),
            $orderby: "receivedDateTime desc",
            $count: "true",
            ...(args.unread_only ? { $filter: `${ORDERABLE_FILTER_PREFIX} and isRead eq false` } : {}),
          },
          signal,
        });
        const total = page["@odata.count"] ?? null;
        const end = args.offset + page.value.length;
        const more = total === null ? page["@odata.nextLink"] !== undefined : end < total;
        const output: ListInboxOutput = {
          messages: await summaries(page.value, signal, args.folder),
          offset: args.offset,
          limit: args.limit,
          next_offset: more ? end : null,
          total: total ?? end,
          total_is_estimate: total === null,
        };
        return output;
      } catch (error) {
        return failure(error, {});
      }
    },

    async read_email(args, signal) {
      try {
        const path = messagePath(args.message_id);
        let raw: Buffer;
        let meta: Message;
        if (args.mark_as_read) {
          // The source first: a message is marked read only once it could be read. The PATCH answers with the properties needed.
          raw = await graph.bytes({ method: "GET", path: `${path}/$value`, signal });
          meta = await graph.json<Message>({
            method: "PATCH",
            path,
            body: JSON.stringify({ isRead: true }),
            contentType: "application/json",
            signal,
          });
        } else {
          [raw, meta] = await Promise.all([
            graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
            graph.json<Message>({ method: "GET", path, query: { $select: READ_SELECT }, signal }),
          ]);
        }
        const parsed = await parseMessage(raw, {
          includeHtml: args.include_html,
          includeAttachments: args.include_attachments,
        });
        const output: ReadEmailOutput = {
          ...parsed,
          id: args.message_id,
          thread_id: meta.conversationId ?? null,
          folder: await folderOf(meta.parentFolderId, signal),
          date: parsed.date ?? new Date(meta.receivedDateTime ?? 0).toISOString(),
          unread: meta.isRead === false,
        };
        return output;
      } catch (error) {
        return failure(error, { messageId: args.message_id });
      }
    },

    async search_emails(args, signal) {
      const query: GraphQuery =
        args.syntax === "native"
          ? { kind: "search", search: quoteSearch(args.query) }
          : portableToGraph(parsePortableQuery(args.query));
      const folders =
        args.include_folders === undefined ? undefined : [...new Set(standardFolders(args.include_folders))];
      try {
        if (query.kind === "search-keeping-read-state") {
          const folderIds = folders === undefined ? undefined : await folderIdsOf(folders, signal);
          const keep = (message: Message) =>
            (message.isRead === false) === query.unread &&
            (folderIds === undefined || folderIds.has(message.parentFolderId ?? ""));
          return await searchKeeping(
            query.search,
            keep,
            `unread=${query.unread} folders=${[...(folderIds ?? [])].sort().join(",")}`,
            args,
            signal,
          );
        }
        if (query.kind === "search") {
          if (folders !== undefined && folders.length > 1) {
            const folderIds = await folderIdsOf(folders, signal);
            return await searchKeeping(
              query.search,
              (message) => folderIds.has(message.parentFolderId ?? ""),
              `folders=${[...folderIds].sort().join(",")}`,
              args,
              signal,
            );
          }
          const base =
            folders === undefined ? "/me/messages" : `/me/mailFolders/${WELL_KNOWN[folders[0] as Folder]}/messages`;
          return await searchPage(base, query.search, args, signal);
        }
        if (folders === undefined) return await filterPage("/me/messages", query.filter, args, signal);
        if (folders.length === 1)
          return await filterPage(
            `/me/mailFolders/${WELL_KNOWN[folders[0] as Folder]}/messages`,
            query.filter,
            args,
            signal,
          );
        await loadFolderIds(signal);
        const ids = folders.map((folder) => `parentFolderId eq '${settings.folderIds?.[folder] ?? ""}'`).join(" or ");
        return await filterPage("/me/messages", `(${query.filter}) and (${ids})`, args, signal);
      } catch (error) {
        // A native query is KQL the caller wrote: Graph refusing it is a bad parameter, not a provider failure.
        if (args.syntax === "native" && error instanceof GraphRequestError && error.status === 400) {
          throw new ParameterError(
            "query",
            "query_term",
            `query: Outlook refused the native KQL query: ${error.message}`,
          );
        }
        return failure(error, { search: true });
      }
    },

    async send_email(args, signal) {
      const outgoing = prepareSend(args);
      if (isRefusal(outgoing)) return outgoing;
      try {
        return await dispatch(outgoing, null, signal);
      } catch (error) {
        return failure(error, { send: true });
      }
    },

    async reply_to_email(args, signal) {
      let found: Awaited<ReturnType<typeof original>>;
      try {
        found = await original(args.message_id, signal);
      } catch (error) {
        return failure(error, { messageId: args.message_id });
      }
      const outgoing = prepareReply(found.parsed, args, [...inbox.addresses, settings.address]);
      if (isRefusal(outgoing)) return outgoing;
      try {
        return await dispatch(outgoing, found.conversationId, signal);
      } catch (error) {
        return failure(error, { send: true });
      }
    },

    async close() {
      await saving;
    },
  };
}
